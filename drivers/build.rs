//! Embeds every firmware profile under `../firmware-profiles/<kind>/*.toml` into the crate, so
//! the binary carries the shipped profiles (see `profile::ProfileSet::embedded`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("..").join("firmware-profiles");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    if let Ok(kinds) = fs::read_dir(&root) {
        for kind in kinds.flatten() {
            let kind_path = kind.path();
            if !kind_path.is_dir() {
                continue;
            }
            println!("cargo:rerun-if-changed={}", kind_path.display());
            for entry in fs::read_dir(&kind_path)
                .expect("read a firmware-profiles directory")
                .flatten()
            {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    println!("cargo:rerun-if-changed={}", path.display());
                    let rel = relative(&root, &path);
                    files.push((rel, path));
                }
            }
        }
    }
    files.sort();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_profiles.rs");
    let mut f = fs::File::create(out).expect("create embedded_profiles.rs");
    writeln!(f, "&[").expect("write");
    for (rel, path) in files {
        let abs = path.canonicalize().expect("canonical profile path");
        writeln!(
            f,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .expect("write");
    }
    writeln!(f, "]").expect("write");
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
