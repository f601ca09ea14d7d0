//! A request body read as JSON at most once, and only when something asks: authentication (the
//! `mid` check), stub matching (`bodyContains`, `bodyJson`) and templates (`request.body.…`)
//! all look at the same body, and a [`serde_json::Value`] tree (an ordered hash map per object,
//! every string copied) costs more than the rest of the call.
//!
//! Some SDKs wrap the members in one object, `{"data": {…}}` ("needDataTag"). The wrapper is
//! taken off here, once, so every reader of members (the `mid` check, stub matching, templates,
//! services) sees the inner object; the bytes and the text stay as received.
//!
//! [`Json`] reads exactly what `serde_json::from_slice::<Value>` reads and refuses exactly what
//! it refuses (same parser, same visitor calls); its strings borrow from the body where they
//! have no escapes, and an object is a list in arrival order. Where an object repeats a name,
//! lookups, comparisons and output follow `Value`: the last value wins, in the first place.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

/// A request body, with its text and JSON forms made on first use.
pub struct RequestBody<'a> {
    bytes: &'a [u8],
    text: OnceCell<Cow<'a, str>>,
    json: OnceCell<Option<Json<'a>>>,
}

impl<'a> RequestBody<'a> {
    /// Wraps the exact bytes received.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            text: OnceCell::new(),
            json: OnceCell::new(),
        }
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> &str {
        self.text
            .get_or_init(|| String::from_utf8_lossy(self.bytes))
    }

    /// The request's members as JSON (read once, on first use): the body, or the object a
    /// `{"data": {…}}` body wraps. `None` when the body is not JSON, e.g. a form body such as
    /// `a=1`.
    pub fn json(&self) -> Option<&Json<'a>> {
        self.json
            .get_or_init(|| serde_json::from_slice(self.bytes).ok().map(unwrap_data))
            .as_ref()
    }
}

/// The object inside `{"data": {…}}`; any other value as it is. The wrapper is an object whose
/// only name is `data` (repeated, the last one counts, as everywhere) holding an object.
fn unwrap_data(json: Json<'_>) -> Json<'_> {
    match json {
        Json::Object(mut members)
            if members.iter().all(|(k, _)| k == "data")
                && matches!(members.last(), Some((_, Json::Object(_)))) =>
        {
            members.pop().map_or(Json::Null, |(_, inner)| inner)
        }
        other => other,
    }
}

/// A JSON value whose strings borrow from the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as `serde_json` reads it.
    Number(Number),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object's members in arrival order, repeats included.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// An object's member (the last one of that name, as `Value` keeps it); `None` for
    /// anything but an object.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|m| &m.1),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The same value as a [`Value`], the one `serde_json` would have read.
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.clone().into_owned()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            // Inserted in order, as `serde_json` does: a repeat keeps the first place.
            Json::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone().into_owned(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Whether this value contains every member of `wanted`, recursively (a stub's `bodyJson`).
    /// Anything but objects must be equal. Linear in both values: a large object is looked up
    /// through an index by name (see [`SCAN_LIMIT`]).
    pub fn contains(&self, wanted: &Value) -> bool {
        self.contains_within(wanted, SCAN_LIMIT)
    }

    /// [`Json::contains`], indexing objects past `scan_limit` comparisons.
    fn contains_within(&self, wanted: &Value, scan_limit: usize) -> bool {
        match (self, wanted) {
            (Json::Object(members), Value::Object(w)) => {
                let names = Names::new(members, w.len(), scan_limit);
                w.iter().all(|(k, wv)| {
                    names
                        .get(k)
                        .is_some_and(|av| av.contains_within(wv, scan_limit))
                })
            }
            _ => self.equals_within(wanted, scan_limit),
        }
    }

    /// `self.to_value() == *other`, without building the value; linear like
    /// [`Json::contains`]. Matching uses it through `contains`; tests ask it directly.
    #[cfg(test)]
    pub fn equals(&self, other: &Value) -> bool {
        self.equals_within(other, SCAN_LIMIT)
    }

    /// [`Json::equals`], indexing objects past `scan_limit` comparisons.
    fn equals_within(&self, other: &Value, scan_limit: usize) -> bool {
        match (self, other) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Number(a), Value::Number(b)) => a == b,
            (Json::String(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equals_within(y, scan_limit))
            }
            // Maps are equal when they have the same names with equal values, in any order;
            // of a repeated name only the last value counts.
            (Json::Object(members), Value::Object(b)) => {
                if members.len() < b.len() {
                    return false;
                }
                match Names::new(members, members.len(), scan_limit) {
                    Names::Scan(_) => {
                        let mut distinct = 0;
                        for (i, (k, v)) in members.iter().enumerate() {
                            if members[i + 1..].iter().any(|(later, _)| later == k) {
                                continue;
                            }
                            distinct += 1;
                            if !b
                                .get(k.as_ref())
                                .is_some_and(|bv| v.equals_within(bv, scan_limit))
                            {
                                return false;
                            }
                        }
                        distinct == b.len()
                    }
                    Names::Index(index) => {
                        index.len() == b.len()
                            && index.iter().all(|(k, v)| {
                                b.get(*k).is_some_and(|bv| v.equals_within(bv, scan_limit))
                            })
                    }
                }
            }
            _ => false,
        }
    }
}

/// Scanning an object's members for each of `n` names costs `members × n` comparisons; past
/// this many, the members are indexed by name once instead. A stub's `bodyJson` of 65 000
/// names against a body of as many took seconds scanned, milliseconds indexed.
const SCAN_LIMIT: usize = 256;

/// An object's members as lookups by name see them: the last value of a repeated name.
enum Names<'j, 'a> {
    /// Few lookups or few members: scan from the end.
    Scan(&'j [(Cow<'a, str>, Json<'a>)]),
    /// Many of both: an index built once.
    Index(HashMap<&'j str, &'j Json<'a>>),
}

impl<'j, 'a> Names<'j, 'a> {
    /// The way to look up `lookups` names among `members`.
    fn new(members: &'j [(Cow<'a, str>, Json<'a>)], lookups: usize, scan_limit: usize) -> Self {
        if members.len().saturating_mul(lookups) <= scan_limit {
            return Names::Scan(members);
        }
        let mut index = HashMap::with_capacity(members.len());
        for (k, v) in members {
            // A later member of the same name replaces the earlier one, as in `Value`.
            index.insert(k.as_ref(), v);
        }
        Names::Index(index)
    }

    fn get(&self, key: &str) -> Option<&'j Json<'a>> {
        match self {
            Names::Scan(members) => members.iter().rev().find(|(k, _)| k == key).map(|m| &m.1),
            Names::Index(index) => index.get(key).copied(),
        }
    }
}

/// Whether an object names a member twice.
fn has_repeats(members: &[(Cow<'_, str>, Json<'_>)]) -> bool {
    if members.len() <= 16 {
        members
            .iter()
            .enumerate()
            .any(|(i, (k, _))| members[i + 1..].iter().any(|(later, _)| later == k))
    } else {
        let mut seen = HashSet::with_capacity(members.len());
        !members.iter().all(|(k, _)| seen.insert(k.as_ref()))
    }
}

/// Written exactly as the [`Value`] it stands for would be.
impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(text) => s.serialize_str(text),
            Json::Array(items) => s.collect_seq(items),
            Json::Object(members) if has_repeats(members) => self.to_value().serialize(s),
            Json::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

/// The visitor calls `Value`'s own visitor makes, borrowing instead of copying.
struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Deserialize::deserialize(d)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(Key)? {
            members.push((key, map.next_value()?));
        }
        Ok(Json::Object(members))
    }
}

/// An object's member name, read as `Value` reads it (`deserialize_str`).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;
