//! File helpers every writer shares: one atomic writer, capped reads.
//! Map: docs/architecture.md#fsutil

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Who may read a file we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// 0644: outputs meant to be shared (bundles, layouts, public keys).
    Public,
    /// 0600 from the first byte: private keys.
    Private,
}

/// Writes `contents` to `path` through a temporary file in the same
/// directory and a rename, so no reader ever sees half a file.
pub(crate) fn write_atomically(path: &Path, contents: &[u8], mode: Mode) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".cargo-attest-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("write", path, e))?;
    // tempfile creates files with mode 0600; widen only public outputs.
    #[cfg(unix)]
    if mode == Mode::Public {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io("write", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", path, e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

/// The largest text input we read whole (bundles, keys, checksum files).
pub(crate) const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a whole file (or stdin for `-`) as UTF-8 text, at most
/// [`MAX_TEXT_BYTES`].
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let (bytes, shown) = if path == Path::new("-") {
        (
            read_capped(std::io::stdin().lock(), "stdin")?,
            "stdin".to_string(),
        )
    } else {
        let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
        (
            read_capped(file, &path.display().to_string())?,
            path.display().to_string(),
        )
    };
    String::from_utf8(bytes).map_err(|_| Error::invalid_input(format!("{shown}: not UTF-8 text")))
}

fn read_capped(reader: impl Read, shown: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", shown, e))?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(Error::invalid_input(format!(
            "{shown}: larger than {} MiB",
            MAX_TEXT_BYTES / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// A path as people want to read it: relative to the current directory when
/// it lies below it, else as it is.
pub(crate) fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}
