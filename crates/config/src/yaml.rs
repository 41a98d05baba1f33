//! A YAML tree that keeps the line of every key and value, built from
//! saphyr-parser's events, so Kubernetes and Compose findings can point at the
//! exact line of the offending key. Also converts to JSON for Rego `input`.

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScanError, Span, SpannedEventReceiver};
use std::collections::HashMap;

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
    /// A value tagged `!reset` (Compose: the key is removed by the merge).
    Reset,
    /// A value tagged `!override` (Compose: it replaces, not merges).
    Override(Box<Node>),
}

/// What a Compose merge tag asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MergeTag {
    None,
    Reset,
    Override,
}

fn merge_tag(tag: Option<&saphyr_parser::Tag>) -> MergeTag {
    match tag {
        Some(t) if t.handle == "!" && t.suffix == "reset" => MergeTag::Reset,
        Some(t) if t.handle == "!" && t.suffix == "override" => MergeTag::Override,
        _ => MergeTag::None,
    }
}

fn tagged(node: Node, tag: MergeTag) -> Node {
    match tag {
        MergeTag::None => node,
        MergeTag::Reset => Node {
            value: Value::Reset,
            ..node
        },
        MergeTag::Override => Node {
            line: node.line,
            end_line: node.end_line,
            value: Value::Override(Box::new(node)),
        },
    }
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
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, true)
        .map_err(|e: ScanError| (to_line(e.marker().line()), e.info().to_string()))?;
    Ok(builder.docs)
}

fn to_line(l: usize) -> u32 {
    u32::try_from(l).unwrap_or(u32::MAX)
}

/// Builds [`Node`]s straight from the parser's events: saphyr's own marked
/// tree (a linked hash map per mapping) and the copy out of it were a large
/// share of a Kubernetes scan's profile.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    docs: Vec<Node>,
    anchors: HashMap<usize, Node>,
}

enum Frame {
    Seq {
        line: u32,
        anchor: usize,
        tag: MergeTag,
        items: Vec<Node>,
    },
    Map {
        line: u32,
        anchor: usize,
        tag: MergeTag,
        entries: Vec<Entry>,
        key: Option<(String, u32)>,
    },
}

impl Builder {
    fn push(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some((key_text(&node), node.line)),
                Some((k, key_line)) => {
                    if k == "<<" {
                        // `<<: *base` merge keys (Compose `x-` anchors): the
                        // aliased mapping's entries, keys given here winning.
                        merge_into(entries, node);
                    } else {
                        entries.retain(|e| e.key != k);
                        entries.push(Entry {
                            key: k,
                            key_line,
                            value: node,
                        });
                    }
                }
            },
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder {
    fn on_event(&mut self, ev: Event<'input>, span: Span) {
        let line = to_line(span.start.line());
        match ev {
            Event::Scalar(v, style, anchor, tag) => {
                let value =
                    match Scalar::parse_from_cow_and_metadata(v.clone(), style, tag.as_ref()) {
                        Some(Scalar::Null) => Value::Null,
                        Some(Scalar::Boolean(b)) => Value::Bool(b),
                        Some(Scalar::Integer(i)) => Value::Int(i),
                        Some(Scalar::FloatingPoint(f)) => Value::Float(f.into_inner()),
                        Some(Scalar::String(s)) => Value::Str(s.into_owned()),
                        None => Value::Str(v.into_owned()),
                    };
                let end_line = to_line(span.end.line()).max(line);
                let node = Node {
                    line,
                    end_line,
                    value,
                };
                self.push(tagged(node, merge_tag(tag.as_deref())), anchor);
            }
            Event::Alias(id) => {
                let mut node = self.anchors.get(&id).cloned().unwrap_or(Node {
                    line,
                    end_line: line,
                    value: Value::Null,
                });
                // An aliased scalar used as a key or value sits on this line.
                if !matches!(node.value, Value::Map(_) | Value::Seq(_)) {
                    node.line = line;
                    node.end_line = line;
                }
                self.push(node, 0);
            }
            Event::SequenceStart(anchor, tag) => self.stack.push(Frame::Seq {
                line,
                anchor,
                tag: merge_tag(tag.as_deref()),
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, tag) => self.stack.push(Frame::Map {
                line,
                anchor,
                tag: merge_tag(tag.as_deref()),
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let end_line = to_line(span.end.line());
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        line,
                        anchor,
                        tag,
                        items,
                    }) => (
                        tagged(
                            Node {
                                line,
                                end_line: end_line.max(line),
                                value: Value::Seq(items),
                            },
                            tag,
                        ),
                        anchor,
                    ),
                    Some(Frame::Map {
                        line,
                        anchor,
                        tag,
                        entries,
                        ..
                    }) => (
                        tagged(
                            Node {
                                line,
                                end_line: end_line.max(line),
                                value: Value::Map(entries),
                            },
                            tag,
                        ),
                        anchor,
                    ),
                    None => return,
                };
                self.push(node, anchor);
            }
            Event::DocumentStart(_) => self.anchors.clear(),
            _ => {}
        }
    }
}

fn key_text(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Seq(_) | Value::Map(_) | Value::Reset | Value::Override(_) => String::new(),
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
            Value::Reset => J::Null,
            Value::Override(inner) => inner.to_json(),
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
