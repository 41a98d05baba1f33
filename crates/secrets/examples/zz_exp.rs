use drydock_secrets::{ScannerOptions, SecretScanner};
use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in ignore::WalkBuilder::new(&dir).hidden(false).build() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_some_and(|t| t.is_file()) { continue; }
        let path = entry.path().to_string_lossy().into_owned();
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if drydock_secrets::wants(&path, size) { if let Ok(b) = std::fs::read(entry.path()) { files.push((path, b)); } }
    }
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let all = SecretScanner::builtin().unwrap();
    let ids: Vec<String> = all.rules().map(|r| r.id.clone()).collect();
    let fams: Vec<String> = all.rules().map(|r| r.family.clone()).collect();
    let run = |name: &str, s: &SecretScanner| {
        let mut best = f64::MAX;
        for _ in 0..3 { let t = Instant::now(); let n: usize = files.iter().map(|(p, b)| s.scan_bytes(p, b).len()).sum(); std::hint::black_box(n); best = best.min(t.elapsed().as_secs_f64()); }
        println!("{name}: {:.0} MB/s", bytes as f64 / 1e6 / best);
    };
    run("all", &all);
    for fam in ["generic", "databases", "tokens", "messaging", "saas", "private-keys"] {
        let dis: Vec<String> = ids.iter().zip(&fams).filter(|(_, f)| *f == fam).map(|(i, _)| i.clone()).collect();
        let s = SecretScanner::new(&ScannerOptions { disabled: dis, ..Default::default() }).unwrap();
        run(&format!("without {fam}"), &s);
    }
    // Only one cheap rule: the automaton's floor.
    let keep = "stripe-secret-key";
    let dis: Vec<String> = ids.iter().filter(|i| *i != keep).cloned().collect();
    let s = SecretScanner::new(&ScannerOptions { disabled: dis, ..Default::default() }).unwrap();
    run("one rule", &s);
    let mut kws: Vec<String> = drydock_secrets::rules::builtin_rules().unwrap().into_iter().flat_map(|r| r.keywords).collect();
    kws.sort(); kws.dedup();
    println!("{} keywords", kws.len());
    for (name, kind, ci) in [("dfa ci", Some(aho_corasick::AhoCorasickKind::DFA), true), ("auto ci", None, true), ("dfa cs", Some(aho_corasick::AhoCorasickKind::DFA), false)] {
        let ac = aho_corasick::AhoCorasick::builder().ascii_case_insensitive(ci).kind(kind).build(&kws).unwrap();
        for ov in [true, false] {
            let t = Instant::now();
            let n: usize = files.iter().map(|(_, b)| if ov { ac.find_overlapping_iter(b).count() } else { ac.find_iter(b).count() }).sum();
            println!("{name} overlapping={ov}: {:.0} MB/s hits={n}", bytes as f64/1e6/t.elapsed().as_secs_f64());
        }
    }
    for bc in [false, true] {
        let ac = aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).kind(Some(aho_corasick::AhoCorasickKind::DFA)).byte_classes(bc).build(&kws).unwrap();
        let t = Instant::now();
        let n: usize = files.iter().map(|(_, b)| ac.find_iter(b).count()).sum();
        println!("dfa ci byte_classes={bc}: {:.0} MB/s hits={n}", bytes as f64/1e6/t.elapsed().as_secs_f64());
    }
    {
        use regex_automata::{dfa::{dense, Automaton}, Input, util::syntax};
        let pats: Vec<String> = kws.iter().map(|k| regex_syntax::escape(k)).collect();
        let dfa = dense::Builder::new().syntax(syntax::Config::new().case_insensitive(true).unicode(false).utf8(false))
            .configure(dense::Config::new().minimize(false).accelerate(true))
            .build_many(&pats).unwrap();
        let t = Instant::now();
        let mut n = 0usize;
        for (_, b) in &files {
            let mut at = 0;
            while at < b.len() {
                match dfa.try_search_fwd(&Input::new(b.as_slice()).range(at..)) { Ok(Some(m)) => { n += 1; at = m.offset().max(at + 1); } _ => break }
            }
        }
        println!("regex-automata dense: {:.0} MB/s hits={n}", bytes as f64/1e6/t.elapsed().as_secs_f64());
    }
    {
        let lower: Vec<Vec<u8>> = files.iter().map(|(_, b)| b.to_ascii_lowercase()).collect();
        let t = Instant::now();
        let mut buf = Vec::new();
        for (_, b) in &files { buf.clear(); buf.extend_from_slice(b); buf.make_ascii_lowercase(); std::hint::black_box(&buf); }
        println!("lowercase copy: {:.0} MB/s", bytes as f64/1e6/t.elapsed().as_secs_f64());
        // Drop keywords containing another keyword: the shorter one always fires with it.
        let mut small: Vec<String> = kws.iter().filter(|k| !kws.iter().any(|o| o != *k && k.contains(o.as_str()))).cloned().collect();
        small.sort();
        println!("{} keywords after containment", small.len());
        for lim in [64usize, 100, 127, small.len()] {
            let pats: Vec<&String> = small.iter().take(lim).collect();
            for mk in [aho_corasick::MatchKind::LeftmostFirst] {
                let ac = aho_corasick::AhoCorasick::builder().match_kind(mk).build(&pats).unwrap();
                let t = Instant::now();
                let n: usize = lower.iter().map(|b| ac.find_iter(b).count()).sum();
                println!("lower ac auto {} pats: {:.0} MB/s hits={n} kind={:?}", pats.len(), bytes as f64/1e6/t.elapsed().as_secs_f64(), ac.kind());
            }
            if let Some(ps) = aho_corasick::packed::Config::new().builder().extend(pats.iter()).build() {
                let t = Instant::now();
                let n: usize = lower.iter().map(|b| ps.find_iter(b).count()).sum();
                println!("lower packed {} pats: {:.0} MB/s hits={n}", pats.len(), bytes as f64/1e6/t.elapsed().as_secs_f64());
            }
        }
    }
    // Hit counts per keyword, top 15.
    let ac = aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(&kws).unwrap();
    let mut counts = vec![0usize; kws.len()];
    for (_, b) in &files { for m in ac.find_overlapping_iter(b) { counts[m.pattern().as_usize()] += 1; } }
    let mut v: Vec<_> = kws.iter().zip(counts).collect(); v.sort_by_key(|x| std::cmp::Reverse(x.1));
    println!("{:?}", &v[..15]);
    let t = Instant::now(); let n: usize = files.iter().map(|(_, b)| memchr::memchr_iter(b'\n', b).count()).sum(); println!("memchr newline floor: {:.0} MB/s ({n})", bytes as f64/1e6/t.elapsed().as_secs_f64());
}
