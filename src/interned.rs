//! Strings that live as long as the program, read back from data: the `&'static str`
//! fields of findings and fixes (a rule's name, a fix's note) as the results cache
//! deserializes them.
//!
//! Owns: the interner (each distinct string is leaked once, so the memory is bounded by
//! the distinct names and notes of the tool) and the serde helpers for
//! `#[serde(with = …)]`. Does not own: where the strings come from.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Deserializer, Serializer};

/// `&'static str` under another name, for the fields that serde reads with this module:
/// serde's derive takes a field spelled `&'static str` for a borrow from the input (and
/// then asks the input to live for ever); an alias it does not look through.
pub type Str = &'static str;

/// `text` as a `&'static str`, the same one for equal texts.
pub fn intern(text: &str) -> &'static str {
    static STRINGS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let strings = STRINGS.get_or_init(Default::default);
    let Ok(mut strings) = strings.lock() else {
        return Box::leak(text.to_string().into_boxed_str());
    };
    if let Some(known) = strings.get(text) {
        return known;
    }
    let leaked: &'static str = Box::leak(text.to_string().into_boxed_str());
    strings.insert(leaked);
    leaked
}

/// `#[serde(with = "crate::interned")]` on a `&'static str` field.
pub fn serialize<S: Serializer>(text: &&'static str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

/// See [`serialize`].
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<&'static str, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(intern(&text))
}

/// `#[serde(with = "crate::interned::option")]` on an `Option<&'static str>` field.
pub mod option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// See [`super::serialize`].
    pub fn serialize<S: Serializer>(
        text: &Option<&'static str>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        text.serialize(serializer)
    }

    /// See [`super::deserialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<&'static str>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(text.as_deref().map(super::intern))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_texts_are_one_string() {
        let owned = String::from("nested-step");
        let a = super::intern(owned.as_str());
        let b = super::intern("nested-step");
        assert!(std::ptr::eq(a, b));
    }
}
