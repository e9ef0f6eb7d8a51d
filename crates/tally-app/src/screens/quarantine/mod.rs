//! 7 Quarantine / release: scan a package, then `q` quarantines it (to the cage) or `l`
//! releases it (supervisors: for anyone else the key is shown dimmed with why, and the core
//! refuses it anyway), each with a reason code picked by number. A pallet or tote label
//! scanned shows the packages it holds; `q`, a reason and a confirmation quarantine them all
//! as one action (one event per package). A scan during a question is held until it is
//! answered.

pub mod text;
pub mod work;

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use tally_events::payload::Role;
use tally_floor::{Outcome, PalletContents};

use super::confirm::{self, Confirm};
use super::receive::work::{Answer, Read};
use super::{Flow, Nav, Screen};
use crate::event::{Effect, ReadReply, ReadRequest, Tone, WriteReply, WriteRequest};
use crate::list::{self, Look, Pick, Row, Rows};
use crate::render::{field, field_style};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;
use work::Action;

/// The quarantine / release flow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quarantine {
    /// The package scanned.
    pub package: Option<String>,
    /// What the label scanned holds, when it is a pallet or tote with packages to take (no
    /// rows: withheld while a count is open).
    pub pallet: Option<Rows<String>>,
    /// The reason question: for which action, and the marked reason.
    pub asking: Option<(Action, usize)>,
    /// The question before quarantining a whole pallet, with the reason chosen.
    pub confirm: Confirm<String>,
    /// The facility's reason codes.
    pub reasons: Vec<(String, String)>,
    reasons_wait: Option<u64>,
    pallet_wait: Option<u64>,
    writes_waiting: Vec<u64>,
}

/// Opens 7 Quarantine / release; the reason codes are read.
pub(crate) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    let flow = Quarantine {
        reasons_wait: Some(state.read(ReadRequest::Receiving(Read::Reasons), effects)),
        ..Quarantine::default()
    };
    state.go(Screen::Quarantine(Box::new(flow)));
    state.say(Text::ScanPackage);
}

impl Quarantine {
    /// Sends the step for the package (or pallet) scanned with `reason`.
    fn write(
        &mut self,
        app: &mut State,
        action: Action,
        reason: String,
        effects: &mut Vec<Effect>,
    ) {
        let (Some(who), Some(uid)) = (app.session.clone(), self.package.clone()) else {
            return;
        };
        let request = WriteRequest::Quarantine(work::Write {
            who,
            uid,
            action,
            reason,
        });
        let id = app.next_request_id();
        effects.push(Effect::Write { id, request });
        self.writes_waiting.push(id);
    }
}

fn supervisor(app: &State) -> bool {
    app.session
        .as_ref()
        .is_some_and(|s| matches!(s.role, Role::Supervisor | Role::Admin))
}

impl Flow for Quarantine {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let l = language;
        vec![
            Msg::KeyHelp.text(l),
            Msg::KeyEsc.text(l),
            Text::KeyScan.text(l),
            Text::KeyQuarantine.text(l),
            Text::KeyRelease.text(l),
            Text::KeyPallet.text(l),
            Msg::KeyLock.text(l),
        ]
    }

    fn render(&self, app: &State, frame: &mut Frame, area: Rect) {
        let l = app.language;
        let prompt = match (&self.package, &self.pallet) {
            (Some(label), Some(held)) if held.rows.is_none() => Text::PalletWithheld(label.clone()),
            (Some(label), Some(held)) => Text::PalletHolds(label.clone(), held.len()),
            (Some(uid), None) => Text::Chosen(uid.clone()),
            (None, _) => Text::ScanPackage,
        };
        let mut lines = vec![
            Line::styled(
                prompt.text(l),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Line::styled(field(app), field_style()),
        ];
        if !supervisor(app) {
            lines.push(Line::styled(
                Text::ReleaseSupervisorsOnly.text(l),
                Style::default().fg(Color::DarkGray),
            ));
        }
        if let Some(held) = &self.pallet {
            let rows = Row::tags(held.rows.iter().flatten());
            list::below(&mut lines, &rows, held.marked, Look::Bare, area, l);
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        if let (Some(reason), Some(label), Some(held)) =
            (self.confirm.question(), &self.package, &self.pallet)
        {
            confirm::render(
                frame,
                area,
                &[
                    match held.rows {
                        Some(_) => Text::ConfirmPallet(label.clone(), held.len(), reason.clone()),
                        None => Text::ConfirmPalletWithheld(label.clone(), reason.clone()),
                    }
                    .text(l),
                    Text::ConfirmKeys.text(l),
                ],
            );
        }
        if let (Some((_, marked)), Some(uid)) = (self.asking, &self.package) {
            let mut rows: Vec<String> = Text::AskReason(uid.clone())
                .text(l)
                .lines()
                .map(str::to_owned)
                .collect();
            let room = usize::from(area.height.saturating_sub(2)).saturating_sub(rows.len() + 1);
            rows.extend(super::receive::render::reason_rows(
                &self.reasons,
                marked,
                room.max(1),
                area,
                l,
            ));
            rows.push(field(app));
            let inner = crate::render::centred(area, rows.len());
            frame.render_widget(Clear, inner);
            frame.render_widget(
                Paragraph::new(rows.join("\n"))
                    .style(Style::default().add_modifier(Modifier::BOLD))
                    .block(Block::default().borders(Borders::ALL)),
                inner,
            );
        }
    }

    fn asking(&self) -> bool {
        self.asking.is_some() || self.confirm.asking()
    }

    fn on_command(&mut self, app: &mut State, key: char, effects: &mut Vec<Effect>) -> bool {
        let action = match key {
            'q' if self.pallet.is_some() => Action::QuarantinePallet,
            'q' => Action::Quarantine,
            'l' => Action::Release,
            _ => return false,
        };
        if self.package.is_none() {
            let words = Text::ScanPackage.text(app.language);
            app.signal(Tone::Error, words, effects);
            return true;
        }
        if action == Action::Release && !supervisor(app) {
            let words = Text::ReleaseSupervisorsOnly.text(app.language);
            app.signal(Tone::Error, words, effects);
            return true;
        }
        self.asking = Some((action, 0));
        true
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if let Some(reason) = self.confirm.yes() {
            self.write(app, Action::QuarantinePallet, reason, effects);
            return Nav::Stay;
        }
        if let Some((action, marked)) = self.asking.take() {
            match list::pick(typed, self.reasons.len(), marked) {
                Pick::Row(row) => {
                    let reason = self.reasons[row].0.clone();
                    if action == Action::QuarantinePallet {
                        // Every package it holds goes to the cage: asked first.
                        self.confirm.ask(reason);
                    } else {
                        self.write(app, action, reason, effects);
                    }
                }
                Pick::NotARow(_) | Pick::Empty => {
                    self.asking = Some((action, marked));
                    let words = super::receive::text::Text::NoSuchReason(typed.to_owned())
                        .text(app.language);
                    app.signal(Tone::Error, words, effects);
                }
            }
            return Nav::Stay;
        }
        if !typed.is_empty() {
            return self.on_scan(app, typed.to_owned(), effects);
        }
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav {
        app.say(Text::Chosen(scan.clone()));
        // A pallet or tote label shows what it holds once read; a package's tag holds nothing.
        self.pallet = None;
        self.pallet_wait = Some(app.read(
            ReadRequest::Pallet {
                label: scan.clone(),
            },
            effects,
        ));
        self.package = Some(scan);
        Nav::Stay
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        if let Some((_, marked)) = &mut self.asking {
            *marked = list::step(*marked, self.reasons.len(), up);
        } else if let Some(held) = &mut self.pallet {
            held.arrow(up);
        }
    }

    fn on_esc(&mut self, app: &mut State, _effects: &mut Vec<Effect>) -> Nav {
        if self.asking.take().is_some() || self.confirm.no() {
            app.say(super::receive::text::Text::Cancelled);
            return Nav::Stay;
        }
        Nav::Back
    }

    fn on_read(&mut self, app: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
        if self.pallet_wait == Some(id) {
            self.pallet_wait = None;
            match reply {
                ReadReply::Pallet(Ok(PalletContents::Holds(held))) => {
                    if let Some(label) = &self.package {
                        app.say(Text::PalletHolds(label.clone(), held.len()));
                    }
                    self.pallet = Some(Rows::read(held));
                }
                ReadReply::Pallet(Ok(PalletContents::Withheld)) => {
                    if let Some(label) = &self.package {
                        app.say(Text::PalletWithheld(label.clone()));
                    }
                    self.pallet = Some(Rows::reading());
                }
                ReadReply::Pallet(Err(failure)) => app.fail(&failure, effects),
                _ => {}
            }
            return;
        }
        if self.reasons_wait != Some(id) {
            return;
        }
        self.reasons_wait = None;
        if let ReadReply::Receiving(Ok(Answer::Reasons(reasons))) = reply {
            self.reasons = reasons;
        }
    }

    fn on_written(
        &mut self,
        app: &mut State,
        id: u64,
        reply: WriteReply,
        effects: &mut Vec<Effect>,
    ) {
        let WriteReply::Quarantine(answer) = reply else {
            return;
        };
        let Some(index) = self.writes_waiting.iter().position(|w| *w == id) else {
            return;
        };
        self.writes_waiting.remove(index);
        let l = app.language;
        match answer {
            Ok(Outcome::Quarantined(uids)) if self.pallet.is_some() => {
                let label = self.package.take().unwrap_or_default();
                self.pallet = None;
                let words = Text::PalletQuarantined(label, uids.len()).text(l);
                app.signal(Tone::Success, words, effects);
            }
            Ok(Outcome::Quarantined(uids)) => {
                let words = Text::Quarantined(uids.join(", ")).text(l);
                app.signal(Tone::Success, words, effects);
            }
            Ok(Outcome::Released(released)) => {
                let words = Text::Released(released.uid).text(l);
                app.signal(Tone::Success, words, effects);
            }
            Ok(other) => app.signal(Tone::Error, format!("{other:?}"), effects),
            Err(failure) => app.fail(&failure, effects),
        }
    }
}
