//! Fixtures on the real daemon: an image imported from the debootstrap root
//! filesystem, containers and networks with unique names and a unique label,
//! all removed on drop (also when the test fails).

#![allow(dead_code)]

use std::process::Command;

pub fn docker(args: &[&str]) -> String {
    drydock_testkit::run(Command::new("docker").args(args))
        .trim()
        .to_string()
}

pub fn docker_ok(args: &[&str]) -> bool {
    Command::new("docker")
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Everything one test created on the daemon, labelled `drydock.test=<run>`.
pub struct Fixture {
    /// Unique per test and process: `<test>-<pid>`.
    pub run: String,
    pub label: String,
    pub images: Vec<String>,
    pub networks: Vec<String>,
    pub rootfs_tar: tempfile::TempDir,
}

impl Fixture {
    pub fn new(test: &str) -> Fixture {
        let run = format!("{test}-{}", std::process::id());
        let dir = tempfile::tempdir().unwrap();
        let tar = dir.path().join("rootfs.tar");
        let rootfs = drydock_testkit::bookworm_rootfs();
        drydock_testkit::run(
            Command::new("tar")
                .arg("-C")
                .arg(&rootfs)
                .arg("-cf")
                .arg(&tar)
                .arg("."),
        );
        Fixture {
            label: format!("drydock.test={run}"),
            run,
            images: Vec::new(),
            networks: Vec::new(),
            rootfs_tar: dir,
        }
    }

    /// `docker import`s the root filesystem under `tag` with the test label
    /// plus `changes`, and returns the image id.
    pub fn import(&mut self, tag: &str, changes: &[&str]) -> String {
        let tar = self.rootfs_tar.path().join("rootfs.tar");
        let label_change = format!("LABEL {}", self.label);
        let mut args: Vec<String> = vec!["import".into(), "--change".into(), label_change];
        for c in changes {
            args.push("--change".into());
            args.push(c.to_string());
        }
        args.push(tar.display().to_string());
        args.push(tag.to_string());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let id = docker(&refs);
        self.images.push(id.clone());
        self.images.push(tag.to_string());
        id
    }

    pub fn name(&self, what: &str) -> String {
        format!("ddaudit-{}-{what}", self.run)
    }

    /// `docker run -d --name <unique> --label <test label> <args> <image> <cmd>`; returns the id.
    pub fn run_container(&self, what: &str, args: &[&str], image: &str, cmd: &[&str]) -> String {
        self.container("run", what, args, image, cmd)
    }

    /// `docker create` (never started): for settings this sandbox cannot start
    /// (`--privileged` needs capabilities the test machine may not grant).
    pub fn create_container(&self, what: &str, args: &[&str], image: &str, cmd: &[&str]) -> String {
        self.container("create", what, args, image, cmd)
    }

    fn container(
        &self,
        verb: &str,
        what: &str,
        args: &[&str],
        image: &str,
        cmd: &[&str],
    ) -> String {
        let name = self.name(what);
        let mut a: Vec<&str> = vec![verb, "--name", &name, "--label", &self.label];
        if verb == "run" {
            a.push("-d");
        }
        a.extend_from_slice(args);
        a.push(image);
        a.extend_from_slice(cmd);
        docker(&a)
    }

    pub fn network(&mut self, what: &str) -> String {
        let name = self.name(what);
        docker(&["network", "create", "--label", &self.label, &name]);
        self.networks.push(name.clone());
        name
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let ids = Command::new("docker")
            .args(["ps", "-aq", "--filter", &format!("label={}", self.label)])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default();
        for id in ids.split_whitespace() {
            let _ = Command::new("docker").args(["rm", "-f", "-v", id]).output();
        }
        for n in &self.networks {
            let _ = Command::new("docker").args(["network", "rm", n]).output();
        }
        for i in self.images.iter().rev() {
            let _ = Command::new("docker").args(["rmi", "-f", i]).output();
        }
    }
}

/// A vulnerability source that knows one image: `high` HIGH vulnerabilities
/// with a fix. It checks that it is asked with the layers `docker image
/// inspect` lists for that image; every other image is scanned and clean.
/// (The real scan cache is tested end to end by the CLI's docker_vulns test.)
pub fn one_vulnerable_image(
    id: &str,
    high: usize,
) -> impl Fn(&str, &[String]) -> drydock_audit::ImageVulns + Sync {
    let layers: Vec<String> = serde_json::from_str(&docker(&[
        "image",
        "inspect",
        "--format",
        "{{json .RootFS.Layers}}",
        id,
    ]))
    .unwrap();
    let findings: Vec<drydock_core::Finding> = (0..high)
        .map(|i| {
            let mut f = drydock_core::Finding::new(
                drydock_core::FindingKind::Vulnerability,
                format!("CVE-2024-{i:04}"),
                "test",
                drydock_core::Severity::High,
                drydock_core::Location::file("var/lib/dpkg/status"),
            );
            f.package_name = Some("libc6".into());
            f.fixed_version = Some("2.36-9+deb12u9".into());
            f
        })
        .collect();
    let summary = drydock_audit::VulnSummary::from_findings(&findings, 90);
    let id = id.to_string();
    move |img: &str, diff_ids: &[String]| {
        if img == id {
            assert_eq!(diff_ids, layers, "RootFS.Layers of {img}");
            drydock_audit::ImageVulns::Scanned(summary.clone())
        } else {
            drydock_audit::ImageVulns::Scanned(drydock_audit::VulnSummary::default())
        }
    }
}
