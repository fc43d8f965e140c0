//! Signed documents (bundles, DSSE envelopes, in-toto statements) read
//! strictly: a JSON object that holds a key twice is refused.
//!
//! JSON leaves duplicate keys to the reader, and readers disagree: serde
//! (and so we) keep the last value, others keep the first. A statement with
//! two `subject` keys therefore names one artifact for us and another for a
//! first-wins verifier, and the one signature covers both readings. The
//! only safe answer is to accept neither.
//! Map: docs/architecture.md#strict_json

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// A key found twice in one JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// The key, decoded (`"a"` and `"\u0061"` are the same key).
    pub(crate) key: String,
    /// Where the object is, JSONPath-style: `$`, `$.subject[1].digest`.
    pub(crate) path: String,
    /// Where the second occurrence ends, 1-based.
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.path == "$" {
            "the top-level object".to_string()
        } else {
            format!("the object at {}", self.path)
        };
        write!(
            f,
            "the key `{}` appears twice in {place} (line {}, column {})",
            self.key, self.line, self.column
        )
    }
}

/// What a refusal for a repeated key adds, after naming the key: why, and
/// what to do.
pub(crate) const AMBIGUOUS: &str = "readers that keep the first value and readers that keep \
     the last disagree on what it says, so it is refused; have it signed again without the \
     repeated key";

/// Why a signed document could not be read strictly.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StrictError {
    #[error("{0}")]
    DuplicateKey(DuplicateKey),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// The first key repeated within one object anywhere in `bytes`, if any.
/// Input that is not JSON gives `None`: the caller's own parser reports it.
pub(crate) fn find_duplicate_key(bytes: &[u8]) -> Option<DuplicateKey> {
    let walk = Walk::default();
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let result = Node(&walk)
        .deserialize(&mut reader)
        .and_then(|()| reader.end());
    let error = result.err()?;
    let (key, path) = walk.found.into_inner()?;
    // The walk stops at the duplicate; what follows must still be JSON for
    // this to be the document's problem rather than its syntax.
    serde_json::from_slice::<de::IgnoredAny>(bytes).ok()?;
    Some(DuplicateKey {
        key,
        path,
        line: error.line(),
        column: error.column(),
    })
}

/// `serde_json::from_slice`, refusing any object with a repeated key.
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StrictError> {
    if let Some(duplicate) = find_duplicate_key(bytes) {
        return Err(StrictError::DuplicateKey(duplicate));
    }
    Ok(serde_json::from_slice(bytes)?)
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

/// The walk's state: where it is, and the duplicate it stopped at.
#[derive(Default)]
struct Walk {
    path: RefCell<Vec<Segment>>,
    found: RefCell<Option<(String, String)>>,
}

impl Walk {
    fn path_text(&self) -> String {
        let mut text = String::from("$");
        for segment in self.path.borrow().iter() {
            match segment {
                Segment::Index(i) => text.push_str(&format!("[{i}]")),
                Segment::Key(k)
                    if !k.is_empty()
                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    text.push('.');
                    text.push_str(k);
                }
                // Anything else quoted, so that a key holding `.` or `[`
                // cannot pass for a deeper path.
                Segment::Key(k) => {
                    text.push_str(&format!("[{}]", serde_json::Value::String(k.clone())))
                }
            }
        }
        text
    }

    /// Runs `step` one level down, at `segment`.
    fn within<T>(&self, segment: Segment, step: impl FnOnce() -> T) -> T {
        self.path.borrow_mut().push(segment);
        let out = step();
        self.path.borrow_mut().pop();
        out
    }
}

/// One JSON value, visited without being kept.
struct Node<'w>(&'w Walk);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let walk = self.0;
        let mut index = 0;
        while walk
            .within(Segment::Index(index), || seq.next_element_seed(Node(walk)))?
            .is_some()
        {
            index += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let walk = self.0;
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let message = format!("duplicate key `{key}`");
                *walk.found.borrow_mut() = Some((key, walk.path_text()));
                return Err(de::Error::custom(message));
            }
            walk.within(Segment::Key(key.clone()), || {
                map.next_value_seed(Node(walk))
            })?;
            seen.insert(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(text: &str) -> Option<(String, String)> {
        find_duplicate_key(text.as_bytes()).map(|d| (d.key, d.path))
    }

    #[test]
    fn unique_keys_pass() {
        for text in [
            "{}",
            "[]",
            "1",
            r#"{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}"#,
            r#"[{"x":1},{"x":1}]"#,
        ] {
            assert_eq!(dup(text), None, "{text}");
        }
    }

    #[test]
    fn duplicates_are_found_at_any_depth() {
        let top = r#"{"predicateType":"a","subject":[],"predicateType":"b"}"#;
        assert_eq!(dup(top), Some(("predicateType".into(), "$".into())));
        let deep = r#"{"subject":[{"name":"x","digest":{"sha256":"1","sha256":"2"}}]}"#;
        assert_eq!(
            dup(deep),
            Some(("sha256".into(), "$.subject[0].digest".into()))
        );
        let odd = r#"{"a.b":{"k":1,"k":2}}"#;
        assert_eq!(dup(odd), Some(("k".into(), r#"$["a.b"]"#.into())));
        let in_array = r#"[1,[{"q":1}],{"z":0,"z":0}]"#;
        assert_eq!(dup(in_array), Some(("z".into(), "$[2]".into())));
    }

    #[test]
    fn escaped_spellings_of_one_key_are_one_key() {
        let text = r#"{"subject":1,"sub\u006aect":2}"#;
        assert_eq!(dup(text), Some(("subject".into(), "$".into())));
    }

    #[test]
    fn the_error_says_which_key_and_where() {
        let text = "{\n  \"a\": {\"b\": 1,\n  \"b\": 2}\n}";
        let found = find_duplicate_key(text.as_bytes()).unwrap();
        assert_eq!(found.line, 3);
        let message = found.to_string();
        assert!(message.contains("`b`"), "{message}");
        assert!(message.contains("$.a"), "{message}");
        assert!(message.contains("line 3"), "{message}");
    }

    #[test]
    fn invalid_json_is_left_to_the_parser() {
        assert_eq!(dup(r#"{"a":1,"a""#), None);
        assert_eq!(dup(r#"{"a":1,"a":2"#), None);
        assert_eq!(dup("{} {}"), None);
        assert!(matches!(
            from_slice::<serde_json::Value>(b"{\"a\":"),
            Err(StrictError::Json(_))
        ));
        assert!(matches!(
            from_slice::<serde_json::Value>(br#"{"a":1,"a":1}"#),
            Err(StrictError::DuplicateKey(_))
        ));
        assert!(from_slice::<serde_json::Value>(br#"{"a":1}"#).is_ok());
    }
}
