//! `serve --tls-cert --tls-key` with a private dock CA made by `packaging/dock-ca.sh` (the
//! documented set-up, run as it is): a client that trusts the dock CA reads `/v1/info` over
//! TLS; one that does not trust it, one that expects another name, and plain HTTP are refused;
//! a key that does not match the certificate is a clear error at start.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use common::devices::{admin_key_file, Server, BIN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn dock_ca(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/dock-ca.sh");
    let status = Command::new("bash")
        .arg(script)
        .arg(dir)
        .args(["ledger.dock", "127.0.0.1"])
        .status()
        .expect("run packaging/dock-ca.sh (needs openssl)");
    assert!(status.success());
}

fn client_config(ca: Option<&Path>) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    if let Some(ca) = ca {
        for cert in rustls::pki_types::CertificateDer::pem_file_iter(ca).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
    }
    // The ring provider (no C toolchain needed, unlike aws-lc-rs); rustls marks it deprecated
    // only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// GET `path` over TLS; the whole response, or the error.
fn https_get(
    address: &str,
    server_name: &str,
    config: Arc<rustls::ClientConfig>,
    path: &str,
) -> std::io::Result<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tcp = tokio::net::TcpStream::connect(address).await?;
        let name = rustls::pki_types::ServerName::try_from(server_name.to_owned()).unwrap();
        let mut tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await?;
        tls.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
        let mut response = String::new();
        tls.read_to_string(&mut response).await?;
        Ok(response)
    })
}

#[test]
fn the_ledger_serves_https_with_a_certificate_of_the_dock_ca() {
    let (dir, db) = common::temp_db();
    let pki = dir.path().join("pki");
    dock_ca(&pki);
    let db = db.to_str().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(pki.join("ledger.pem"))
        .arg("--tls-key")
        .arg(pki.join("ledger.key"))
        .env("RUST_LOG", "warn")
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let server = Server {
        child,
        base: line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned(),
    };
    let address = server
        .base
        .strip_prefix("https://")
        .expect("an https address");

    let trusted = client_config(Some(&pki.join("ca.pem")));
    for name in ["ledger.dock", "127.0.0.1"] {
        let response = https_get(address, name, trusted.clone(), "/v1/info").unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains("\"verifier_key\""), "{response}");
    }
    // Not trusting the dock CA, or expecting another name: the handshake fails.
    assert!(https_get(address, "ledger.dock", client_config(None), "/v1/info").is_err());
    assert!(https_get(address, "other.dock", trusted.clone(), "/v1/info").is_err());
    // Plain HTTP gets no answer from the TLS port.
    let plain = reqwest::blocking::get(format!("http://{address}/v1/info"));
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    // The server still answers after those failures.
    let response = https_get(address, "ledger.dock", trusted, "/log/checkpoint").unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused_at_start() {
    let (dir, db) = common::temp_db();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    dock_ca(&first);
    dock_ca(&second);
    let out = Command::new(BIN)
        .args([
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--tls-cert")
        .arg(first.join("ledger.pem"))
        .arg("--tls-key")
        .arg(second.join("ledger.key"))
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not set up TLS"), "{stderr}");
    // A certificate file with no certificate.
    std::fs::write(dir.path().join("empty.pem"), "").unwrap();
    let out = Command::new(BIN)
        .args([
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--tls-cert")
        .arg(dir.path().join("empty.pem"))
        .arg("--tls-key")
        .arg(first.join("ledger.key"))
        .env(tally_ledger::credentials::KEY_FILE_ENV, admin_key_file())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no PEM certificate"));
}
