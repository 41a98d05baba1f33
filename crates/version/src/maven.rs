//! Maven versions, ordered as maven-artifact's `ComparableVersion` (3.9 line).
//!
//! The version is lower-cased and split into an item list: numbers, qualifiers, and a nested
//! sub-list started at every `-`, at every digit/letter transition and (MNG-7644) before a
//! qualifier that does not begin a list. Null items (`0`, `""`, `ga`, `final`, `release`,
//! empty lists) are dropped from the end of each list. Qualifiers order `alpha < beta <
//! milestone < rc = cr < snapshot < "" = ga = final = release < sp <` unknown qualifiers
//! (alphabetical); a number beats a sub-list, which beats a qualifier.
//!
//! Two deliberate differences, both so that the ordering is total (Rust's sorts may panic on a
//! comparator that is not, and a cycle means two scans can disagree about the same package):
//!
//! * A qualifier between dots (`1.foo.1`) also opens its own sub-list; Maven 3.9 leaves it
//!   inline, which lets `1rc1 < 1 < 1.foo.foo1 < 1rc1` form a cycle.
//! * When dropping nulls leaves a sub-list whose first item is itself a sub-list (`1-ga-1`,
//!   `1-0-1`), the inner list is spliced in, so `1-ga-1 = 1-1`, as Maven's canonical form and
//!   the POM reference's version order specification say (`compareTo` alone says `<`). The
//!   top-level list is left alone, so `0.0.0-2021-05-17 < 20.0.0` as `compareTo` has it.
//!
//! Maven 3.8 (which sorted OSV's reference vectors) parsed `1.0.RC1` without the sub-list and
//! so ordered a few real versions differently (`6.1.12.rc5 < 6.1.12rc1`); its rule is the one
//! that makes the ordering cyclic, so we follow 3.9. `tests/vectors.rs` lists those lines.

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MavenVersion {
    items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Item {
    Number(Num),
    Qualifier(Qualifier),
    List(Vec<Item>),
}

/// `StringItem.comparableQualifier`: known qualifiers by their index, then unknown ones
/// alphabetically; the variant order gives exactly that.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Qualifier {
    Known(u8),
    Unknown(Box<str>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE: Qualifier = Qualifier::Known(5);

impl Qualifier {
    fn new(word: &str, followed_by_digit: bool) -> Qualifier {
        let word = match word {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            w => w,
        };
        match QUALIFIERS.iter().position(|q| *q == word) {
            // QUALIFIERS has 7 entries, so the index fits in a u8.
            Some(i) => Qualifier::Known(i as u8),
            None => Qualifier::Unknown(word.into()),
        }
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(n) => n.is_zero(),
            Item::Qualifier(q) => *q == RELEASE,
            Item::List(l) => l.is_empty(),
        }
    }

    /// `Item.compareTo(null)`: how this item compares with a missing one.
    fn cmp_null(&self) -> Ordering {
        match self {
            Item::Number(n) => {
                if n.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Item::Qualifier(q) => q.cmp(&RELEASE),
            // MNG-6964: the whole list is compared with null, not just its first item.
            Item::List(l) => l
                .iter()
                .map(Item::cmp_null)
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
        }
    }

    fn cmp_item(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Number(a), Item::Number(b)) => a.cmp(b),
            (Item::Number(_), _) => Ordering::Greater,
            (Item::Qualifier(a), Item::Qualifier(b)) => a.cmp(b),
            (Item::Qualifier(_), _) => Ordering::Less,
            (Item::List(a), Item::List(b)) => cmp_lists(a, b),
            (Item::List(_), Item::Number(_)) => Ordering::Less,
            (Item::List(_), Item::Qualifier(_)) => Ordering::Greater,
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let o = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => x.cmp_item(y),
            (Some(x), None) => x.cmp_null(),
            (None, Some(y)) => y.cmp_null().reverse(),
            (None, None) => Ordering::Equal,
        };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

pub(crate) fn parse(s: &str) -> Result<MavenVersion, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty version");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("contains whitespace");
    }
    let version = s.to_lowercase();
    // Every new sub-list is appended to the current list and becomes current, and the old list
    // never receives another item, so the tree is a spine: `lists[k + 1]` is the last item of
    // `lists[k]`. Building the spine flat avoids juggling mutable references into the tree.
    let mut lists: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;
    for (i, c) in version.char_indices() {
        if c == '.' || c == '-' {
            if i == start {
                push(&mut lists, Item::Number(Num::zero()));
            } else if is_digit {
                push(&mut lists, number(&version[start..i]));
            } else {
                push_qualifier(&mut lists, Qualifier::new(&version[start..i], false));
            }
            start = i + c.len_utf8();
            if c == '-' {
                lists.push(Vec::new());
            }
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                push_qualifier(&mut lists, Qualifier::new(&version[start..i], true));
                start = i;
                lists.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                push(&mut lists, number(&version[start..i]));
                start = i;
                lists.push(Vec::new());
            }
            is_digit = false;
        }
    }
    if version.len() > start {
        if is_digit {
            push(&mut lists, number(&version[start..]));
        } else {
            push_qualifier(&mut lists, Qualifier::new(&version[start..], false));
        }
    }
    // Normalise innermost first, folding each list into its parent.
    let mut inner: Option<Vec<Item>> = None;
    while let Some(mut list) = lists.pop() {
        if let Some(child) = inner.take() {
            list.push(Item::List(child));
        }
        normalize(&mut list, !lists.is_empty());
        inner = Some(list);
    }
    Ok(MavenVersion {
        items: inner.unwrap_or_default(),
    })
}

fn push(lists: &mut Vec<Vec<Item>>, item: Item) {
    match lists.last_mut() {
        Some(list) => list.push(item),
        None => lists.push(vec![item]),
    }
}

/// A qualifier always starts a sub-list of its own, as if a hyphen preceded it. Maven 3.9 does
/// this for qualifiers followed by a number or ending the version (MNG-7644: `1.0.RC1` then
/// sorts like `1.0-RC1`); we also do it for a qualifier between dots (`1.foo.1`), because
/// leaving it inline lets `1rc1 < 1 < 1.foo.foo1 < 1rc1` form a cycle, and a comparator that
/// is not a total order makes sorting panic.
fn push_qualifier(lists: &mut Vec<Vec<Item>>, qualifier: Qualifier) {
    if lists.last().is_some_and(|list| !list.is_empty()) {
        lists.push(Vec::new());
    }
    push(lists, Item::Qualifier(qualifier));
}

fn number(digits: &str) -> Item {
    Item::Number(Num::from_digits(digits))
}

/// `ListItem.normalize`: walking back from the end, drop null items, stepping over sub-lists,
/// until the first non-null number or qualifier. Then splice a leading sub-list (see the
/// module docs).
fn normalize(list: &mut Vec<Item>, nested: bool) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
    if nested
        && let Some(Item::List(_)) = list.first()
        && let Item::List(inner) = list.remove(0)
    {
        list.splice(0..0, inner);
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
