//! A YAML tree that keeps the line of every key and value, built from
//! saphyr's marked nodes, so Kubernetes and Compose findings can point at the
//! exact line of the offending key. Also converts to JSON for Rego `input`.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// One node and the lines it spans (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: u32,
    pub end_line: u32,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry: the key's text and line, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_line: u32,
    pub value: Node,
}

/// The documents of a YAML stream, in order.
pub fn load(text: &str) -> Result<Vec<Node>, (u32, String)> {
    let docs = MarkedYaml::load_from_str(text)
        .map_err(|e| (e.marker().line() as u32, e.info().to_string()))?;
    Ok(docs.iter().map(convert).collect())
}

fn line(m: &saphyr::Marker) -> u32 {
    u32::try_from(m.line()).unwrap_or(u32::MAX)
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

fn convert(y: &MarkedYaml<'_>) -> Node {
    let start = line(&y.span.start);
    let value = match &y.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(s, _, _) => Value::Str(s.to_string()),
        YamlData::Sequence(items) => Value::Seq(items.iter().map(convert).collect()),
        YamlData::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(s) => scalar_text(s),
                    YamlData::Representation(s, _, _) => s.to_string(),
                    _ => String::new(),
                };
                let value = convert(v);
                // `<<: *base` merge keys (Compose `x-` anchors): splice the
                // aliased mapping's entries in, keys given here winning.
                if key == "<<" {
                    merge_into(&mut entries, value);
                    continue;
                }
                entries.retain(|e: &Entry| e.key != key);
                entries.push(Entry {
                    key,
                    key_line: line(&k.span.start),
                    value,
                });
            }
            Value::Map(entries)
        }
        YamlData::Tagged(_, inner) => return convert(inner),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    let end = line(&y.span.end).max(start);
    Node {
        line: start,
        end_line: end,
        value,
    }
}

fn merge_into(entries: &mut Vec<Entry>, merged: Node) {
    let maps = match merged.value {
        Value::Map(m) => vec![m],
        Value::Seq(items) => items
            .into_iter()
            .filter_map(|n| match n.value {
                Value::Map(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for map in maps {
        for e in map {
            if !entries.iter().any(|x| x.key == e.key) {
                entries.push(e);
            }
        }
    }
}

fn scalar_text(s: &Scalar<'_>) -> String {
    match s {
        Scalar::Null => "null".into(),
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.into_inner().to_string(),
        Scalar::String(s) => s.to_string(),
    }
}

impl Node {
    /// The entry for `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(m) => m.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follows a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The line of the key `key`, or of this node when the key is absent.
    pub fn key_line(&self, key: &str) -> u32 {
        self.entry(key).map_or(self.line, |e| e.key_line)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar as text whatever its YAML type (`80`, `true`, `"x"`).
    pub fn text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The line of the node a JSON-style path (`["spec", "containers", 0]`) names, if any.
    pub fn line_of_path(&self, path: &[serde_json::Value]) -> Option<u32> {
        let mut node = self;
        let mut line = self.line;
        for step in path {
            match (step, &node.value) {
                (serde_json::Value::String(k), Value::Map(_)) => {
                    let e = node.entry(k)?;
                    line = e.key_line;
                    node = &e.value;
                }
                (serde_json::Value::Number(i), Value::Seq(items)) => {
                    node = items.get(usize::try_from(i.as_u64()?).ok()?)?;
                    line = node.line;
                }
                _ => return None,
            }
        }
        Some(line)
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(
                m.iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_across_documents_and_merges_anchors() {
        let docs = load(
            "a: 1\n---\nb:\n  c: [x, y]\n  d: 'q'\nbase: &b\n  k: v\nuse:\n  <<: *b\n  z: 1\n",
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].key_line("a"), 1);
        let b = docs[1].get("b").unwrap();
        assert_eq!(b.key_line("d"), 5);
        assert_eq!(b.get("c").unwrap().seq().len(), 2);
        let used = docs[1].get("use").unwrap();
        assert_eq!(used.get("k").and_then(Node::as_str), Some("v"));
        assert_eq!(used.key_line("z"), 10);
        let path = [serde_json::json!("b"), serde_json::json!("d")];
        assert_eq!(docs[1].line_of_path(&path), Some(5));
    }

    #[test]
    fn reports_syntax_errors_with_a_line() {
        let err = load("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.0 >= 1, "{err:?}");
    }
}
