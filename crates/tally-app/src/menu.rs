//! The home menu: its entries in their contract order (1 Receive … 9 Supervisor, 0 Sync), and
//! which roles it offers each entry to.
//!
//! Offering is not permission: an entry shown to a role only opens a screen; the core still
//! refuses what the role may not do. Dimming spares a person a screen that would refuse them.

use tally_events::payload::Role;

use crate::text::{Language, Msg};

/// A home menu entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// 1 Receive.
    Receive,
    /// 2 Move / put away.
    Move,
    /// 3 Pick.
    Pick,
    /// 4 Load.
    Load,
    /// 5 Count.
    Count,
    /// 6 Lookup.
    Lookup,
    /// 7 Quarantine / release.
    Quarantine,
    /// 8 Destroy.
    Destroy,
    /// 9 Supervisor.
    Supervisor,
    /// 0 Sync.
    Sync,
}

/// The menu, in the order it is shown (a contract: scripts and trainers depend on it).
pub const MENU: [Entry; 10] = [
    Entry::Receive,
    Entry::Move,
    Entry::Pick,
    Entry::Load,
    Entry::Count,
    Entry::Lookup,
    Entry::Quarantine,
    Entry::Destroy,
    Entry::Supervisor,
    Entry::Sync,
];

impl Entry {
    /// The digit that opens it.
    pub fn key(self) -> char {
        match self {
            Entry::Receive => '1',
            Entry::Move => '2',
            Entry::Pick => '3',
            Entry::Load => '4',
            Entry::Count => '5',
            Entry::Lookup => '6',
            Entry::Quarantine => '7',
            Entry::Destroy => '8',
            Entry::Supervisor => '9',
            Entry::Sync => '0',
        }
    }

    /// The entry a typed text names (its digit, spaces around allowed).
    pub fn from_typed(typed: &str) -> Option<Entry> {
        let typed = typed.trim();
        MENU.into_iter()
            .find(|e| typed.len() == 1 && typed.starts_with(e.key()))
    }

    /// Its name.
    pub fn name(self, language: Language) -> &'static str {
        let (en, es) = match self {
            Entry::Receive => ("Receive", "Recibir"),
            Entry::Move => ("Move / put away", "Mover / ubicar"),
            Entry::Pick => ("Pick", "Surtir"),
            Entry::Load => ("Load", "Cargar"),
            Entry::Count => ("Count", "Contar"),
            Entry::Lookup => ("Lookup", "Consulta"),
            Entry::Quarantine => ("Quarantine / release", "Cuarentena / liberar"),
            Entry::Destroy => ("Destroy", "Destruir"),
            Entry::Supervisor => ("Supervisor", "Supervisor"),
            Entry::Sync => ("Sync", "Sincronizar"),
        };
        match language {
            Language::English => en,
            Language::Spanish => es,
        }
    }

    /// Why `role` is not offered this entry, or `None` when it is.
    pub fn withheld_from(self, role: Role) -> Option<Msg> {
        match (role, self) {
            (Role::Auditor, Entry::Lookup | Entry::Sync) => None,
            (Role::Auditor, _) => Some(Msg::AuditorsOnlyLook),
            (Role::Operator, Entry::Supervisor) => Some(Msg::SupervisorsOnly),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_is_in_contract_order() {
        let shown: Vec<String> = MENU
            .iter()
            .map(|e| format!("{} {}", e.key(), e.name(Language::English)))
            .collect();
        assert_eq!(
            shown,
            [
                "1 Receive",
                "2 Move / put away",
                "3 Pick",
                "4 Load",
                "5 Count",
                "6 Lookup",
                "7 Quarantine / release",
                "8 Destroy",
                "9 Supervisor",
                "0 Sync"
            ]
        );
    }

    #[test]
    fn typed_digits_name_entries_and_nothing_else_does() {
        assert_eq!(Entry::from_typed(" 6 "), Some(Entry::Lookup));
        assert_eq!(Entry::from_typed("0"), Some(Entry::Sync));
        assert_eq!(Entry::from_typed("66"), None);
        assert_eq!(Entry::from_typed(""), None);
        assert_eq!(Entry::from_typed("x"), None);
    }

    #[test]
    fn roles_are_offered_what_they_may_do() {
        assert!(Entry::Supervisor.withheld_from(Role::Operator).is_some());
        assert!(Entry::Supervisor.withheld_from(Role::Supervisor).is_none());
        assert!(Entry::Receive.withheld_from(Role::Auditor).is_some());
        assert!(Entry::Lookup.withheld_from(Role::Auditor).is_none());
        assert!(MENU.iter().all(|e| e.withheld_from(Role::Admin).is_none()));
    }
}
