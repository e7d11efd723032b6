//! Every user command as data: label, keyboard shortcut, and where it shows.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    New,
    Open,
    OpenFolder,
    Save,
    SaveAs,
    SaveAll,
    Review,
    Export,
    CloseFile,
    Quit,
    Undo,
    Redo,
    Filter,
    NewFromRecipe,
    NewGatewayChain,
    NewServiceEntry,
    NewDestinationRule,
    AddDestinationRule,
    Duplicate,
    Delete,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
    About,
}

impl Command {
    pub const FILE_MENU: &'static [Command] = &[
        Command::New,
        Command::Open,
        Command::OpenFolder,
        Command::Save,
        Command::SaveAs,
        Command::SaveAll,
        Command::Review,
        Command::Export,
        Command::CloseFile,
        Command::Quit,
    ];
    pub const EDIT_MENU: &'static [Command] = &[
        Command::Undo,
        Command::Redo,
        Command::NewFromRecipe,
        Command::NewGatewayChain,
        Command::NewServiceEntry,
        Command::NewDestinationRule,
        Command::AddDestinationRule,
        Command::Duplicate,
        Command::Delete,
        Command::Filter,
    ];
    pub const VIEW_MENU: &'static [Command] = &[
        Command::ThemeSystem,
        Command::ThemeLight,
        Command::ThemeDark,
    ];

    /// Commands with a shortcut, most specific first (Ctrl+Shift+S before Ctrl+S).
    pub const WITH_SHORTCUTS: &'static [Command] = &[
        Command::SaveAs,
        Command::Redo,
        Command::New,
        Command::Open,
        Command::Save,
        Command::Undo,
        Command::Filter,
        Command::Quit,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Command::New => "New",
            Command::Open => "Open…",
            Command::OpenFolder => "Open Folder…",
            Command::Save => "Save",
            Command::SaveAs => "Save As…",
            Command::SaveAll => "Save All",
            Command::Review => "Review changes…",
            Command::Export => "Export…",
            Command::CloseFile => "Close File",
            Command::Quit => "Quit",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Filter => "Filter resources",
            Command::NewFromRecipe => "New from recipe…",
            Command::NewGatewayChain => "New egress-gateway chain…",
            Command::NewServiceEntry => "New ServiceEntry",
            Command::NewDestinationRule => "New DestinationRule",
            Command::AddDestinationRule => "Add DestinationRule for this host",
            Command::Duplicate => "Duplicate resource",
            Command::Delete => "Delete resource",
            Command::ThemeSystem => "Follow the system",
            Command::ThemeLight => "Light",
            Command::ThemeDark => "Dark",
            Command::About => "About egress-studio",
        }
    }

    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let ctrl = Modifiers::COMMAND;
        let ctrl_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        Some(match self {
            Command::New => KeyboardShortcut::new(ctrl, Key::N),
            Command::Open => KeyboardShortcut::new(ctrl, Key::O),
            Command::Save => KeyboardShortcut::new(ctrl, Key::S),
            Command::SaveAs => KeyboardShortcut::new(ctrl_shift, Key::S),
            Command::Undo => KeyboardShortcut::new(ctrl, Key::Z),
            Command::Redo => KeyboardShortcut::new(ctrl_shift, Key::Z),
            Command::Filter => KeyboardShortcut::new(ctrl, Key::F),
            Command::Quit => KeyboardShortcut::new(ctrl, Key::Q),
            _ => return None,
        })
    }

    /// A second shortcut, shown nowhere but honoured: Ctrl+Y redoes, as in
    /// most editors on Windows and Linux.
    pub fn alternate_shortcut(self) -> Option<KeyboardShortcut> {
        match self {
            Command::Redo => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)),
            _ => None,
        }
    }
}
