//! stub
use crate::rules::Hit;
use crate::yaml::Node;
pub(crate) const NETPOL_RULE: &str = "DD-K8S-040";
pub(crate) fn run(_docs: &[Node], _enabled: &dyn Fn(&str) -> bool) -> Vec<Hit> { Vec::new() }
pub(crate) fn list_items(doc: &Node) -> Vec<&Node> { vec![doc] }
pub(crate) fn network_segmentation(_files: &[&[Node]]) -> Vec<(usize, Hit)> { Vec::new() }
