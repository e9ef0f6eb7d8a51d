//! The walls around the blind counter's connection.
//!
//! The first wall is structural: the counting steps ([`super::count`]) reach the database only
//! through [`super::count::CountingView`], which has no raw connection, and every statement it
//! runs is a fixed text of [`super::count`] that reads only the counter's projection:
//! `counter_lines` (the round being counted now), `count_counters`, the count tasks and their
//! locations, the `packages_counter_items` index (what a package is, never how much or
//! where) and the facility's state system (`facility_state_systems`). None of them holds an
//! expected quantity, an earlier round or a package location.
//!
//! This module is the second wall, raised on that connection:
//! - an SQLite authorizer that allows only `SELECT`, reads of the tables and columns in
//!   [`COUNTER_READABLE`] and the functions in [`COUNTER_FUNCTIONS`]; no `PRAGMA`, `ATTACH`,
//!   schema reads, recursive CTEs, temporary objects or writes;
//! - a plan check ([`Wall::admit`]): SQLite builds the columns of `JOIN ... USING` and
//!   `NATURAL JOIN` without asking the authorizer, so the wall also compiles the statement
//!   (`EXPLAIN`) and refuses it if its bytecode opens any b-tree other than the projection's
//!   (a table cannot be read without opening its root page, whatever the SQL looks like).

use std::collections::{BTreeMap, HashSet};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::Connection;

use crate::error::ReplicaError;

/// What the counter's connection may read, as `(table, columns)`; `"*"` = every column. A table
/// listed with `"*"` holds nothing hidden (its indexes may be read too); a table listed in part
/// (`packages`) is read only through the indexes in [`COUNTER_INDEXES`].
pub const COUNTER_READABLE: &[(&str, &[&str])] = &[
    ("count_tasks", &["*"]),
    ("count_task_locations", &["*"]),
    ("counter_lines", &["*"]),
    ("count_counters", &["*"]),
    ("locations", &["*"]),
    ("items", &["*"]),
    ("scales", &["*"]),
    ("facilities", &["*"]),
    ("meta", &["*"]),
    // The facility's state system (a tag of another system is no package here): facility
    // data, no quantity, location or round.
    ("facility_state_systems", &["*"]),
    ("packages", &["uid", "item_id"]),
];

/// Indexes of tables readable in part that the counter's statements may open.
pub const COUNTER_INDEXES: &[&str] = &["packages_counter_items"];

/// SQL functions the counter's statements may call.
pub const COUNTER_FUNCTIONS: &[&str] = &["count"];

/// A statement the wall refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the blind counter's connection may not run {statement:?}: {reason}")]
pub struct WallBreach {
    /// The statement.
    pub statement: String,
    /// Why.
    pub reason: String,
}

fn readable(table: &str, column: &str) -> bool {
    COUNTER_READABLE.iter().any(|(t, columns)| {
        t.eq_ignore_ascii_case(table)
            && (column.is_empty()
                || columns
                    .iter()
                    .any(|c| *c == "*" || c.eq_ignore_ascii_case(column)))
    })
}

fn authorize(ctx: AuthContext<'_>) -> Authorization {
    match ctx.action {
        AuthAction::Select => Authorization::Allow,
        AuthAction::Read {
            table_name,
            column_name,
        } if ctx.database_name == Some("main") && readable(table_name, column_name) => {
            Authorization::Allow
        }
        AuthAction::Function { function_name }
            if COUNTER_FUNCTIONS
                .iter()
                .any(|f| f.eq_ignore_ascii_case(function_name)) =>
        {
            Authorization::Allow
        }
        _ => Authorization::Deny,
    }
}

/// The second wall on a counting connection: the authorizer is installed, and the b-trees the
/// counter's statements may open are known.
#[derive(Debug)]
pub struct Wall {
    /// Root pages of the projection's tables and indexes in `main`.
    pages: HashSet<i64>,
    /// Every b-tree's name by root page (for the refusal's wording).
    names: BTreeMap<i64, String>,
}

impl Wall {
    /// Raises the wall on a connection opened read-only: reads the schema's root pages, then
    /// installs the authorizer. Run every `PRAGMA` the connection needs before this.
    pub fn raise(conn: &Connection) -> Result<Wall, ReplicaError> {
        let mut stmt = conn.prepare(
            "SELECT type, name, tbl_name, rootpage FROM main.sqlite_schema
             WHERE type IN ('table', 'index') AND rootpage > 0",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let whole: HashSet<String> = COUNTER_READABLE
            .iter()
            .filter(|(_, columns)| columns.contains(&"*"))
            .map(|(t, _)| t.to_ascii_lowercase())
            .collect();
        let mut pages = HashSet::new();
        let mut names = BTreeMap::new();
        for row in rows {
            let (kind, name, table, page) = row?;
            let allowed = whole.contains(&table.to_ascii_lowercase())
                || (kind == "index"
                    && COUNTER_INDEXES
                        .iter()
                        .any(|i| i.eq_ignore_ascii_case(&name)));
            if allowed {
                pages.insert(page);
            }
            names.insert(page, name);
        }
        drop(stmt);
        conn.authorizer(Some(authorize));
        Ok(Wall { pages, names })
    }

    /// Checks a statement against both walls: it must compile under the authorizer, and its
    /// bytecode may open no b-tree outside the projection (no write, no virtual table either).
    pub fn admit(&self, conn: &Connection, sql: &str) -> Result<(), ReplicaError> {
        let breach = |reason: String| WallBreach {
            statement: sql.to_owned(),
            reason,
        };
        conn.prepare(sql)
            .map_err(|e| breach(format!("it does not compile under the authorizer ({e})")))?;
        let mut plan = conn
            .prepare(&format!("EXPLAIN {sql}"))
            .map_err(|e| breach(format!("it does not compile under the authorizer ({e})")))?;
        let mut rows = plan.raw_query();
        while let Some(row) = rows.next()? {
            let opcode: String = row.get(1)?;
            let root: i64 = row.get(3)?;
            let database: i64 = row.get(4)?;
            let outside = database != 0 || !self.pages.contains(&root);
            match opcode.as_str() {
                "OpenRead" | "ReopenIdx" if outside => {
                    let name = self
                        .names
                        .get(&root)
                        .filter(|_| database == 0)
                        .cloned()
                        .unwrap_or_else(|| format!("b-tree {root} of database {database}"));
                    return Err(breach(format!("it opens {name}")).into());
                }
                "OpenWrite" | "VOpen" | "VUpdate" | "Destroy" | "Clear" | "CreateBtree"
                | "ParseSchema" => {
                    return Err(breach(format!("it uses {opcode}")).into());
                }
                _ => {}
            }
        }
        Ok(())
    }
}
