//! Where a save lands: through a symbolic link to its target, into a hard-linked
//! file without breaking the link, with the file's mode kept, and never over a
//! read-only file.

use egress_studio::model::Resource;
use egress_studio::yaml::SourceFile;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

const SE: &str = "# owned by team-egress\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  hosts: [api.example.com]\n  resolution: DNS\n";

/// Opens `path`, renames the entry and saves it where it was read from.
fn rename_and_save(path: &Path) -> Result<Vec<usize>, egress_studio::yaml::WriteError> {
    let mut file = SourceFile::read(path).unwrap();
    let mut r = file.documents[0].items[0].resource.clone().unwrap();
    if let Resource::ServiceEntry(se) = &mut r {
        se.metadata.name = Some("renamed".into());
    }
    file.documents[0].items[0].resource = Ok(r);
    file.documents[0].dirty = true;
    file.save()
}

/// Names in `dir` other than the ones given: leftovers such as temporary files.
fn others(dir: &Path, known: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !known.contains(&n.as_str()))
        .collect()
}

#[test]
fn saving_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("se.yaml");
    std::fs::write(&target, SE).unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("real/se.yaml", &link).unwrap();
    assert_eq!(rename_and_save(&link).unwrap(), Vec::<usize>::new());
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("real/se.yaml")
    );
    let saved = std::fs::read_to_string(&target).unwrap();
    assert_eq!(saved, SE.replace("name: api", "name: renamed"));
    assert!(others(&real_dir, &["se.yaml"]).is_empty());
    assert!(others(dir.path(), &["real", "link.yaml"]).is_empty());
}

#[test]
fn saving_keeps_hard_links_and_the_file_mode() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    std::fs::write(&a, SE).unwrap();
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    rename_and_save(&a).unwrap();
    assert_eq!(
        std::fs::read_to_string(&b).unwrap(),
        std::fs::read_to_string(&a).unwrap()
    );
    assert!(
        std::fs::read_to_string(&b)
            .unwrap()
            .contains("name: renamed")
    );
    let (ma, mb) = (
        std::fs::metadata(&a).unwrap(),
        std::fs::metadata(&b).unwrap(),
    );
    assert_eq!((ma.ino(), ma.nlink()), (mb.ino(), 2));
    assert_eq!(ma.mode() & 0o777, 0o640);
    // A single-link file is replaced atomically and keeps its mode too.
    let c = dir.path().join("c.yaml");
    std::fs::write(&c, SE).unwrap();
    std::fs::set_permissions(&c, std::fs::Permissions::from_mode(0o600)).unwrap();
    rename_and_save(&c).unwrap();
    assert_eq!(std::fs::metadata(&c).unwrap().mode() & 0o777, 0o600);
    assert!(others(dir.path(), &["a.yaml", "b.yaml", "c.yaml"]).is_empty());
    // The owner is kept where the process may set it (as root).
    if std::os::unix::fs::chown(&c, Some(4321), Some(4321)).is_ok() {
        rename_and_save(&c).unwrap();
        let m = std::fs::metadata(&c).unwrap();
        assert_eq!((m.uid(), m.gid()), (4321, 4321));
    }
}

#[test]
fn a_read_only_file_is_refused_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.yaml");
    std::fs::write(&path, SE).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = rename_and_save(&path).unwrap_err().to_string();
    assert!(
        err.contains("ro.yaml") && err.contains("read-only"),
        "{err}"
    );
    assert!(err.contains("save under another name"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SE);
    assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o444);
    assert!(others(dir.path(), &["ro.yaml"]).is_empty());
}

#[test]
fn the_editor_refuses_to_open_or_save_standard_input_as_a_file_named_dash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("se.yaml");
    std::fs::write(&path, SE).unwrap();
    let mut app = egress_studio::app::EgressStudio::default();
    app.open_paths(&["-".into()]);
    assert!(app.session.workspace.files.is_empty());
    let said = |app: &egress_studio::app::EgressStudio| {
        app.notices
            .last()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    };
    assert!(said(&app).contains("standard input"), "{}", said(&app));
    app.open_paths(std::slice::from_ref(&path));
    assert!(!app.save_file_as(0, "-".into()));
    assert!(said(&app).contains("choose a file name"), "{}", said(&app));
    assert!(!Path::new("-").exists());
    assert_eq!(app.session.workspace.files[0].path, path);
}
