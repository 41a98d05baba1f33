//! Analyzers: pure functions from a file's bytes to packages and OS facts.
//!
//! `os` holds OS detection and the OS package databases (dpkg, apk, rpm);
//! `lang` holds the language ecosystems. Each analyzer implements
//! [`drydock_core::Analyzer`]; [`all_analyzers`] is the set a scan runs.

pub mod inventory;
pub mod lang;
pub mod os;

use drydock_core::Analyzer;

/// Every analyzer drydock runs on an image, root filesystem or directory.
pub fn all_analyzers() -> Vec<Box<dyn Analyzer>> {
    let mut v = os::analyzers();
    v.extend(lang::analyzers());
    v
}
