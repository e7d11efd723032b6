//! Typed values from [`block`](super::block) events, deserialized with exactly
//! the rules yaml_serde applies to the same events (how a plain scalar resolves
//! to null, a boolean, an integer, a float or a string; what an empty scalar
//! means for a list, a mapping or an option). yaml_serde is the reference: a
//! test compares the two on the corpus and on generated documents.
//!
//! Every failure is reported as `None`; the caller then reads the document with
//! yaml_serde, which explains it.

use super::block::Event;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use std::fmt;

/// `text` deserialized as `T`, when the fast reader accepts it and `T` reads
/// from it; `None` otherwise.
#[cfg(test)]
pub(super) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_events(&super::block::events(text)?)
}

/// A document's events deserialized as `T`, or `None`.
pub(super) fn from_events<T: DeserializeOwned>(events: &[Event<'_>]) -> Option<T> {
    let mut de = Events { events, pos: 0 };
    let value = T::deserialize(&mut de).ok()?;
    (de.pos == events.len()).then_some(value)
}

/// A failure; its words are never shown (the caller falls back to yaml_serde).
#[derive(Debug)]
pub(super) struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not read by the block reader")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Refused
    }
}

type Result<T> = std::result::Result<T, Refused>;

struct Events<'e, 'a> {
    events: &'e [Event<'a>],
    pos: usize,
}

impl<'a> Events<'_, 'a> {
    fn next(&mut self) -> Result<Event<'a>> {
        let event = *self.events.get(self.pos).ok_or(Refused)?;
        self.pos += 1;
        Ok(event)
    }

    fn peek(&self) -> Result<Event<'a>> {
        self.events.get(self.pos).copied().ok_or(Refused)
    }

    /// The next scalar, if it is a plain one.
    fn plain(&mut self) -> Result<&'a str> {
        match self.next()? {
            Event::Scalar { text, plain: true } => Ok(text),
            _ => Err(Refused),
        }
    }

    /// Skips one node.
    fn skip(&mut self) -> Result<()> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::MapStart | Event::SeqStart => depth += 1,
                Event::MapEnd | Event::SeqEnd => depth = depth.checked_sub(1).ok_or(Refused)?,
                Event::Scalar { .. } => {}
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// Visits a collection whose start event was read, then requires (as
    /// yaml_serde does) that the visitor took every entry.
    fn collection<'de, V: Visitor<'de>>(&mut self, visitor: V, map: bool) -> Result<V::Value> {
        let value = if map {
            visitor.visit_map(Entries::new(self))?
        } else {
            visitor.visit_seq(Entries::new(self))?
        };
        match self.next()? {
            Event::MapEnd | Event::SeqEnd => Ok(value),
            _ => Err(Refused),
        }
    }
}

/// Empty plain scalar: what yaml_serde reads as an empty list or mapping.
fn is_empty_plain(event: Event<'_>) -> bool {
    matches!(
        event,
        Event::Scalar {
            text: "",
            plain: true
        }
    )
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "null" | "Null" | "NULL" | "~")
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Leading zeros before digits make a string (YAML 1.2), as in yaml_serde.
fn digits_but_not_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    t.len() > 1 && t.starts_with('0') && t[1..].bytes().all(|b| b.is_ascii_digit())
}

type Radix<T> = fn(&str, u32) -> std::result::Result<T, std::num::ParseIntError>;

const PREFIXES: [(&str, u32); 3] = [("0x", 16), ("0o", 8), ("0b", 2)];

/// yaml_serde's unsigned integer rule: optional `+`, then decimal, `0x`, `0o` or
/// `0b` digits.
fn parse_unsigned<T>(text: &str, from: Radix<T>) -> Option<T> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    for (prefix, radix) in PREFIXES {
        if let Some(rest) = unsigned.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(n) = from(rest, radix) {
                return Some(n);
            }
        }
    }
    if unsigned.starts_with(['+', '-']) || digits_but_not_number(text) {
        return None;
    }
    from(unsigned, 10).ok()
}

/// yaml_serde's rule for negative integers (which also reads positive decimal).
fn parse_negative<T>(text: &str, from: Radix<T>) -> Option<T> {
    for (prefix, radix) in PREFIXES {
        if let Some(rest) = text.strip_prefix('-').and_then(|t| t.strip_prefix(prefix))
            && let Ok(n) = from(&format!("-{rest}"), radix)
        {
            return Some(n);
        }
    }
    if digits_but_not_number(text) {
        return None;
    }
    from(text, 10).ok()
}

/// yaml_serde's signed integer rule.
fn parse_signed(text: &str) -> Option<i64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    for (prefix, radix) in PREFIXES {
        if let Some(rest) = unsigned.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(n) = i64::from_str_radix(rest, radix) {
                return Some(n);
            }
        }
        if let Some(rest) = text.strip_prefix('-').and_then(|t| t.strip_prefix(prefix))
            && let Ok(n) = i64::from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(n);
        }
    }
    if digits_but_not_number(text) {
        return None;
    }
    unsigned.parse::<i64>().ok()
}

/// yaml_serde's float rule: `.inf`, `.nan` in their three spellings, or a
/// finite Rust float.
fn parse_float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(f64::INFINITY);
    }
    if matches!(text, "-.inf" | "-.Inf" | "-.INF") {
        return Some(f64::NEG_INFINITY);
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN.copysign(1.0));
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// What a plain scalar with no tag resolves to, by yaml_serde's rules.
enum Plain {
    Null,
    Bool(bool),
    Unsigned(u64),
    Negative(i64),
    /// An integer beyond 64 bits (yaml_serde visits it as 128-bit).
    Wide,
    Float(f64),
    Str,
}

fn resolve(text: &str) -> Plain {
    if is_null(text) {
        return Plain::Null;
    }
    if let Some(b) = parse_bool(text) {
        return Plain::Bool(b);
    }
    if let Some(n) = parse_unsigned(text, u64::from_str_radix) {
        return Plain::Unsigned(n);
    }
    if let Some(n) = parse_negative(text, i64::from_str_radix) {
        return Plain::Negative(n);
    }
    if parse_unsigned(text, u128::from_str_radix).is_some()
        || parse_negative(text, i128::from_str_radix).is_some()
    {
        return Plain::Wide;
    }
    match parse_float(text) {
        Some(f) if !digits_but_not_number(text) => Plain::Float(f),
        _ => Plain::Str,
    }
}

/// Whether a plain scalar resolves to a string (not null, a boolean or a number).
pub(super) fn plain_is_string(text: &str) -> bool {
    // Nulls, booleans and numbers all start with one of these: most keys and
    // values are told apart by their first byte.
    let Some(first) = text.bytes().next() else {
        return false;
    };
    !matches!(
        first,
        b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F'
    ) || matches!(resolve(text), Plain::Str)
}

/// A plain scalar with no tag, visited as yaml_serde visits it; 128-bit
/// integers are left to yaml_serde.
fn visit_plain<'de, V: Visitor<'de>>(visitor: V, text: &str) -> Result<V::Value> {
    match resolve(text) {
        Plain::Null => visitor.visit_unit(),
        Plain::Bool(b) => visitor.visit_bool(b),
        Plain::Unsigned(n) => visitor.visit_u64(n),
        Plain::Negative(n) => visitor.visit_i64(n),
        Plain::Wide => Err(Refused),
        Plain::Float(f) => visitor.visit_f64(f),
        Plain::Str => visitor.visit_str(text),
    }
}

impl<'de> de::Deserializer<'de> for &mut Events<'_, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar { text, plain: true } => visit_plain(visitor, text),
            Event::Scalar { text, .. } => visitor.visit_str(text),
            Event::SeqStart => self.collection(visitor, false),
            Event::MapStart => self.collection(visitor, true),
            Event::SeqEnd | Event::MapEnd => Err(Refused),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(parse_bool(self.plain()?).ok_or(Refused)?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_i64(parse_signed(self.plain()?).ok_or(Refused)?)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(parse_unsigned(self.plain()?, u64::from_str_radix).ok_or(Refused)?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(parse_float(self.plain()?).ok_or(Refused)?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_f64(visitor)
    }

    /// A string: a quoted scalar, or a plain one that resolves to a string.
    /// yaml_serde would also read `true` or `443` as the string "true" or
    /// "443", but kubectl sends them as a boolean and a number, which the CRD
    /// refuses where it wants a string: such a document is left to the general
    /// path, which reports it.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar { text, plain: false } => visitor.visit_str(text),
            Event::Scalar { text, plain: true } if plain_is_string(text) => visitor.visit_str(text),
            _ => Err(Refused),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(Refused)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(Refused)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek()? {
            Event::Scalar { text, plain: true } if is_null(text) => {
                self.pos += 1;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if is_null(self.plain()?) {
            visitor.visit_unit()
        } else {
            Err(Refused)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::SeqStart => self.collection(visitor, false),
            e if is_empty_plain(e) => visitor.visit_seq(Entries::none()),
            _ => Err(Refused),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::MapStart => self.collection(visitor, true),
            e if is_empty_plain(e) => visitor.visit_map(Entries::none()),
            _ => Err(Refused),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.peek()? {
            Event::Scalar { .. } => visitor.visit_enum(self),
            _ => Err(Refused),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }
}

/// A scalar read as a unit variant, the only enum form plain YAML has.
impl<'de> de::EnumAccess<'de> for &mut Events<'_, '_> {
    type Error = Refused;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self)> {
        let variant = seed.deserialize(&mut *self)?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Events<'_, '_> {
    type Error = Refused;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, _: S) -> Result<S::Value> {
        Err(Refused)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Refused)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(Refused)
    }
}

/// The entries of a sequence or mapping being visited; `de` is `None` for the
/// empty collection an empty scalar stands for.
struct Entries<'r, 'e, 'a> {
    de: Option<&'r mut Events<'e, 'a>>,
}

impl<'r, 'e, 'a> Entries<'r, 'e, 'a> {
    fn new(de: &'r mut Events<'e, 'a>) -> Self {
        Entries { de: Some(de) }
    }

    fn none() -> Self {
        Entries { de: None }
    }

    /// The reader, unless the collection has ended.
    fn more(&mut self) -> Result<Option<&mut Events<'e, 'a>>> {
        match self.de.as_deref_mut() {
            Some(de) if !matches!(de.peek()?, Event::MapEnd | Event::SeqEnd) => Ok(Some(de)),
            _ => Ok(None),
        }
    }
}

impl<'de> de::SeqAccess<'de> for Entries<'_, '_, '_> {
    type Error = Refused;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>> {
        match self.more()? {
            Some(de) => seed.deserialize(de).map(Some),
            None => Ok(None),
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_, '_> {
    type Error = Refused;

    fn next_key_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>> {
        match self.more()? {
            Some(de) => seed.deserialize(de).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        let de = self.de.as_deref_mut().ok_or(Refused)?;
        seed.deserialize(de)
    }
}
