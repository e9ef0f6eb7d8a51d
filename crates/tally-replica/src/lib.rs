//! The offline SQLite replica of a handheld and the floor workflows that write to it.
