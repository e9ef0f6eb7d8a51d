//! 1 Receive: the inbound manifests waiting (number and Enter, arrows, or the manifest's
//! barcode opens one), then the manifest: every scan records the case's arrival at once
//! (expected, unexpected, duplicate) through the floor layer; a GS1 label scanned checks the
//! current case's label and COA; a letter key (with nothing typed) decides the marked case:
//! `a` accept, `d` accept at another quantity (quantity, then reason), `r` reject (reason, then
//! a confirmation: it cannot be undone), `q` quarantine, `p` quarantine the whole pallet (every
//! case arrived and not decided, listed in the confirmation: one action, one event per case),
//! `v` void a mis-scan, `c` close, `t` /
//! `z` tare / zero the scale. Closing shows the missing and unexpected cases and the
//! discrepancy list as it is keyed into the state system.
//!
//! Weighing: the scale's line shows what it reads. A load that settles on it weighs the case
//! scanned last if that case is on the manifest and not weighed yet (the floor layer records
//! the weighing; the verdict against the manifest is the core's); any other settled load is
//! said and not recorded, and `w` weighs the marked case with the stable weight on the scale
//! (a case put on before it was scanned, or weighed again). An empty pan, a load in motion,
//! an overload or an unplugged scale records nothing; a load that settles while a step is
//! being recorded is handled once its answer is in.
//!
//! A question (quantity, reason, confirmation) never takes a scan as its answer: the app
//! holds the scan and handles it after the answer ([`Flow::asking`]).

pub(crate) mod render;
pub mod text;
pub mod work;

use ratatui::layout::Rect;
use ratatui::Frame;
use tally_events::Quantity;
use tally_floor::receiving::{Closed, Decision, ManifestRow, Sheet};
use tally_floor::Outcome;
use tally_replica::refusal::Message;
use tally_replica::workflow::receiving::ScanOutcome;

use super::{Flow, Nav, Screen};
use crate::event::{
    DeviceEvent, Effect, Failure, ReadReply, ReadRequest, ScaleCommand, Tone, WriteReply,
    WriteRequest,
};
use crate::list::{self, Opened, Pick, Rows};
use crate::scale::{self, Scale, Seen};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;
use work::{Answer, Done, Read, Write, WriteStep};

/// Where receiving is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Choosing a manifest.
    List {
        /// The manifests waiting, and the marked row.
        list: Rows<ManifestRow>,
    },
    /// Receiving a manifest.
    Manifest {
        /// Manifest id.
        manifest: String,
        /// Its sheet (`None` until read).
        sheet: Option<Sheet>,
        /// The marked case (a scan marks the case scanned).
        marked: usize,
        /// The case scanned last (a GS1 label belongs to it).
        current: Option<String>,
    },
    /// The manifest was closed.
    Closed {
        /// Manifest id.
        manifest: String,
        /// The summary and the discrepancy list.
        closed: Box<Closed>,
        /// First discrepancy shown.
        scroll: usize,
    },
}

/// A step waiting for its reason code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Accept the case at this quantity.
    AcceptAt {
        /// The case.
        uid: String,
        /// Quantity received.
        received: Quantity,
    },
    /// Reject the case (then confirm).
    Reject {
        /// The case.
        uid: String,
    },
    /// Quarantine the case.
    Quarantine {
        /// The case.
        uid: String,
    },
    /// Quarantine the whole pallet (then confirm).
    QuarantinePallet {
        /// The cases on it.
        uids: Vec<String>,
    },
    /// Void the case's arrival.
    Void {
        /// The case.
        uid: String,
    },
}

/// A question the screen is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// The quantity received of a case (accept at another quantity).
    Quantity {
        /// The case.
        uid: String,
        /// Its quantity on the manifest.
        manifest_quantity: Quantity,
    },
    /// A reason code for a step.
    Reason {
        /// The step.
        pending: Pending,
        /// The marked reason.
        marked: usize,
    },
    /// Quarantine these cases for this reason?
    ConfirmPallet {
        /// The cases, and the case the arrows have scrolled to.
        uids: crate::list::Rows<String>,
        /// Reason code.
        reason: String,
    },
    /// Reject this case for this reason? (irreversible)
    ConfirmReject {
        /// The case.
        uid: String,
        /// Reason code.
        reason: String,
    },
}

/// The receiving flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receive {
    /// Where it is.
    pub stage: Stage,
    /// The question shown, if any.
    pub ask: Option<Ask>,
    /// The facility's reason codes (read when the manifest opens).
    pub reasons: Vec<(String, String)>,
    read_wait: Option<u64>,
    reasons_wait: Option<u64>,
    /// The writes sent and not answered yet, in order (scans come faster than commits).
    writes_waiting: Vec<u64>,
    /// The settled load on the scale, and one held while a step is being recorded.
    scale: Scale,
}

/// Opens 1 Receive: the manifests waiting are read.
pub(crate) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    let mut flow = Receive {
        stage: Stage::List {
            list: Rows::reading(),
        },
        ask: None,
        reasons: Vec::new(),
        read_wait: None,
        reasons_wait: None,
        writes_waiting: Vec::new(),
        scale: Scale::default(),
    };
    flow.read_wait = Some(state.read(ReadRequest::Receiving(Read::Manifests), effects));
    state.go(Screen::Receive(Box::new(flow)));
    state.say(Text::ChooseManifest);
}

impl Receive {
    /// The case a decision key acts on: the marked one.
    fn target(&self) -> Option<&tally_floor::receiving::Case> {
        match &self.stage {
            Stage::Manifest {
                sheet: Some(sheet),
                marked,
                ..
            } => sheet.cases.get(*marked),
            _ => None,
        }
    }

    fn manifest(&self) -> Option<&str> {
        match &self.stage {
            Stage::Manifest { manifest, .. } | Stage::Closed { manifest, .. } => Some(manifest),
            Stage::List { .. } => None,
        }
    }

    fn open_manifest(&mut self, app: &mut State, manifest: String, effects: &mut Vec<Effect>) {
        let read = Read::Sheet {
            manifest: manifest.clone(),
        };
        self.read_wait = Some(app.read(ReadRequest::Receiving(read), effects));
        self.reasons_wait = Some(app.read(ReadRequest::Receiving(Read::Reasons), effects));
        self.stage = Stage::Manifest {
            manifest: manifest.clone(),
            sheet: None,
            marked: 0,
            current: None,
        };
        app.say(Text::Opening(manifest));
    }

    fn write(&mut self, app: &mut State, step: WriteStep, effects: &mut Vec<Effect>) {
        let (Some(who), Some(manifest)) = (app.session.clone(), self.manifest()) else {
            return;
        };
        let request = WriteRequest::Receiving(Write {
            who,
            manifest: manifest.to_owned(),
            step,
        });
        let id = app.next_request_id();
        effects.push(Effect::Write { id, request });
        self.writes_waiting.push(id);
    }

    fn scan(&mut self, app: &mut State, text: String, effects: &mut Vec<Effect>) -> Nav {
        match &self.stage {
            Stage::List { list } => {
                let opened = match list.scanned(&text, |r| &r.id) {
                    Opened::Reading => Opened::Unknown(text),
                    other => other.map(|r| r.id.clone()),
                };
                let unknown = Text::NoSuchManifest;
                if let Some(manifest) =
                    super::opened(app, opened, unknown, Text::NoManifests, effects)
                {
                    self.open_manifest(app, manifest, effects);
                }
            }
            Stage::Manifest { current, .. } => {
                let current = current.clone();
                self.write(app, WriteStep::Scan { current, text }, effects);
            }
            Stage::Closed { .. } => {
                let words = Text::ClosedNoScan.text(app.language);
                app.signal(Tone::Error, words, effects);
            }
        }
        Nav::Stay
    }

    /// A decision key on the manifest, with nothing typed. `None`: not a key of this screen.
    fn command(&mut self, app: &mut State, key: char, effects: &mut Vec<Effect>) -> Option<()> {
        if !matches!(self.stage, Stage::Manifest { .. }) {
            return None;
        }
        match key {
            't' => effects.push(Effect::ScaleCommand(ScaleCommand::Tare)),
            'w' => self.weigh_marked(app, effects),
            'z' => effects.push(Effect::ScaleCommand(ScaleCommand::Zero)),
            'c' => self.write(app, WriteStep::Close, effects),
            'p' => {
                let uids: Vec<String> = match &self.stage {
                    Stage::Manifest {
                        sheet: Some(sheet), ..
                    } => sheet
                        .cases
                        .iter()
                        .filter(|c| c.arrived && !c.quarantined && c.decision.is_none())
                        .map(|c| c.uid.clone())
                        .collect(),
                    _ => Vec::new(),
                };
                if uids.is_empty() {
                    let words = Text::NothingToQuarantine.text(app.language);
                    app.signal(Tone::Error, words, effects);
                } else {
                    self.ask_reason(Pending::QuarantinePallet { uids });
                }
            }
            'a' | 'd' | 'r' | 'q' | 'v' => {
                let Some(case) = self.target().cloned() else {
                    let words = Text::ScanACaseFirst.text(app.language);
                    app.signal(Tone::Error, words, effects);
                    return Some(());
                };
                let uid = case.uid.clone();
                match key {
                    'a' => self.write(
                        app,
                        WriteStep::Decide {
                            uid,
                            decision: Decision::Accept,
                        },
                        effects,
                    ),
                    'd' => match case.manifest_quantity {
                        Some(manifest_quantity) => {
                            self.ask = Some(Ask::Quantity {
                                uid,
                                manifest_quantity,
                            });
                            app.input.clear();
                        }
                        None => {
                            let words = Text::NotOnManifest(uid).text(app.language);
                            app.signal(Tone::Error, words, effects);
                        }
                    },
                    'r' => self.ask_reason(Pending::Reject { uid }),
                    'q' => self.ask_reason(Pending::Quarantine { uid }),
                    _ => self.ask_reason(Pending::Void { uid }),
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// A load settled on the scale: it weighs the case scanned last when that case waits for
    /// its weight; otherwise what is on the scale is said and nothing is recorded.
    fn settled(
        &mut self,
        app: &mut State,
        input: tally_floor::DeviceInput,
        effects: &mut Vec<Effect>,
    ) {
        if !self.writes_waiting.is_empty() {
            // The case it belongs to may be the one whose scan is being recorded.
            self.scale.held = Some(Box::new(input));
            return;
        }
        // An empty pan or a tared container: nothing to weigh.
        let Some(mg) = scale::recordable(&input) else {
            return;
        };
        let Stage::Manifest { sheet, current, .. } = &self.stage else {
            return;
        };
        let case = current
            .as_ref()
            .and_then(|uid| sheet.as_ref()?.cases.iter().find(|c| &c.uid == uid))
            .cloned();
        let l = app.language;
        let refused = match case {
            None => scale::Text::ScanFirst(mg).text(l),
            Some(case) if !case.expected => Text::NotWeighedHere(case.uid).text(l),
            Some(case) if case.weight_ok.is_some() => Text::AlreadyWeighed(case.uid, mg).text(l),
            Some(case) => {
                let scales = app.settings.scales.clone();
                let step = WriteStep::Weigh {
                    uid: case.uid,
                    input,
                    scales,
                };
                self.write(app, step, effects);
                return;
            }
        };
        app.signal(Tone::Error, refused, effects);
    }

    /// `w`: weighs the marked case with the stable weight on the scale now.
    fn weigh_marked(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        let l = app.language;
        let Some(case) = self.target().cloned() else {
            app.signal(Tone::Error, Text::ScanACaseFirst.text(l), effects);
            return;
        };
        let Some((input, _)) = self.scale.now() else {
            app.signal(Tone::Error, scale::Text::NothingStable.text(l), effects);
            return;
        };
        if !case.expected {
            app.signal(Tone::Error, Text::NotWeighedHere(case.uid).text(l), effects);
            return;
        }
        let scales = app.settings.scales.clone();
        let step = WriteStep::Weigh {
            uid: case.uid,
            input,
            scales,
        };
        self.write(app, step, effects);
    }

    fn ask_reason(&mut self, pending: Pending) {
        self.ask = Some(Ask::Reason { pending, marked: 0 });
    }

    fn answer_reason(
        &mut self,
        app: &mut State,
        pending: Pending,
        reason: String,
        effects: &mut Vec<Effect>,
    ) {
        match pending {
            Pending::AcceptAt { uid, received } => self.write(
                app,
                WriteStep::Decide {
                    uid,
                    decision: Decision::AcceptAt { received, reason },
                },
                effects,
            ),
            Pending::Reject { uid } => {
                self.ask = Some(Ask::ConfirmReject { uid, reason });
            }
            Pending::Quarantine { uid } => self.write(
                app,
                WriteStep::Quarantine {
                    uids: vec![uid],
                    reason,
                },
                effects,
            ),
            Pending::QuarantinePallet { uids } => {
                self.ask = Some(Ask::ConfirmPallet {
                    uids: crate::list::Rows::read(uids),
                    reason,
                });
            }
            Pending::Void { uid } => self.write(
                app,
                WriteStep::Decide {
                    uid,
                    decision: Decision::Void { reason },
                },
                effects,
            ),
        }
    }

    fn done(&mut self, app: &mut State, done: Done, effects: &mut Vec<Effect>) {
        let l = app.language;
        let (tone, words) = match &done.outcome {
            Outcome::Arrived(ScanOutcome::Expected { uid, sku }) => (
                Tone::Success,
                Text::Arrived(uid.clone(), sku.clone()).text(l),
            ),
            Outcome::Arrived(ScanOutcome::Unexpected { uid }) => {
                (Tone::Error, Text::Unexpected(uid.clone()).text(l))
            }
            Outcome::Arrived(ScanOutcome::Duplicate { uid }) => {
                (Tone::Error, Text::Duplicate(uid.clone()).text(l))
            }
            Outcome::LabelChecked(problems) if problems.is_empty() => {
                (Tone::Success, Text::LabelPassed.text(l))
            }
            Outcome::LabelChecked(problems) => {
                let problems: Vec<String> = problems.iter().map(|p| p.message(l)).collect();
                (Tone::Error, Text::LabelFailed(problems.join("; ")).text(l))
            }
            Outcome::Weighed(w) if w.within => (Tone::Success, Text::WeightOk(w.actual_mg).text(l)),
            Outcome::Weighed(w) => (Tone::Error, Text::WeightOff(w.actual_mg).text(l)),
            Outcome::Accepted { uid } => (Tone::Success, Text::Accepted(uid.clone()).text(l)),
            Outcome::Rejected { uid } => (Tone::Success, Text::Rejected(uid.clone()).text(l)),
            Outcome::Voided { uid } => (Tone::Success, Text::Voided(uid.clone()).text(l)),
            Outcome::Quarantined(uids) => {
                (Tone::Success, Text::Quarantined(uids.join(", ")).text(l))
            }
            Outcome::Closed(_) => (Tone::Success, Text::ClosedDone.text(l)),
            Outcome::Unreadable(unreadable) => (
                Tone::Error,
                Text::Unreadable(unreadable.input.clone()).text(l),
            ),
            Outcome::Ignored(ignored) => (Tone::Error, ignored.message(l)),
            other => (Tone::Error, format!("{other:?}")),
        };
        match (done.outcome, &mut self.stage) {
            (Outcome::Closed(closed), Stage::Manifest { manifest, .. }) => {
                self.stage = Stage::Closed {
                    manifest: manifest.clone(),
                    closed,
                    scroll: 0,
                };
            }
            (
                _,
                Stage::Manifest {
                    sheet,
                    marked,
                    current,
                    ..
                },
            ) => {
                if let Some(new) = done.sheet {
                    if let Some(uid) = &done.current {
                        if let Some(index) = new.cases.iter().position(|c| &c.uid == uid) {
                            *marked = index;
                        }
                    }
                    *marked = (*marked).min(new.cases.len().saturating_sub(1));
                    *sheet = Some(new);
                }
                *current = done.current;
            }
            _ => {}
        }
        app.signal(tone, words, effects);
    }
}

impl Flow for Receive {
    fn title(&self, language: Language) -> String {
        match self.manifest() {
            Some(manifest) => format!("1 {manifest}"),
            None => Text::Title.text(language),
        }
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let l = language;
        let mut keys = vec![Msg::KeyHelp.text(l), Msg::KeyEsc.text(l)];
        let own = match (&self.ask, &self.stage) {
            (Some(Ask::ConfirmReject { .. } | Ask::ConfirmPallet { .. }), _) => {
                vec![Text::KeyConfirm]
            }
            (Some(Ask::Reason { .. }), _) => vec![Text::KeyPickReason],
            (Some(Ask::Quantity { .. }), _) => vec![Text::KeyQuantity],
            (None, Stage::List { .. }) => vec![Text::KeyOpenManifest, Text::KeyScanManifest],
            (None, Stage::Manifest { .. }) => vec![
                Text::KeyScanCase,
                Text::KeyMark,
                Text::KeyAccept,
                Text::KeyAcceptAt,
                Text::KeyReject,
                Text::KeyQuarantine,
                Text::KeyQuarantinePallet,
                Text::KeyVoid,
                Text::KeyClose,
                Text::KeyWeigh,
                Text::KeyScale,
            ],
            (None, Stage::Closed { .. }) => vec![Text::KeyScrollList],
        };
        keys.extend(own.into_iter().map(|k| k.text(l)));
        keys.push(Msg::KeyLock.text(l));
        keys
    }

    fn render(&self, app: &State, frame: &mut Frame, area: Rect) {
        render::render(self, app, frame, area);
    }

    fn asking(&self) -> bool {
        self.ask.is_some()
    }

    fn on_command(&mut self, app: &mut State, key: char, effects: &mut Vec<Effect>) -> bool {
        if self.ask.is_some() {
            return false;
        }
        self.command(app, key, effects).is_some()
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        match self.ask.take() {
            Some(Ask::Quantity {
                uid,
                manifest_quantity,
            }) => {
                match parse_quantity(typed, manifest_quantity) {
                    Some(received) => {
                        self.ask_reason(Pending::AcceptAt { uid, received });
                    }
                    None => {
                        let weighed = matches!(manifest_quantity, Quantity::Milligrams(_));
                        self.ask = Some(Ask::Quantity {
                            uid,
                            manifest_quantity,
                        });
                        let words = Text::BadQuantity { weighed }.text(app.language);
                        app.signal(Tone::Error, words, effects);
                    }
                }
                return Nav::Stay;
            }
            Some(Ask::Reason { pending, marked }) => {
                match list::pick(typed, self.reasons.len(), marked) {
                    Pick::Row(row) => {
                        let reason = self.reasons[row].0.clone();
                        self.answer_reason(app, pending, reason, effects);
                    }
                    Pick::NotARow(_) | Pick::Empty => {
                        self.ask = Some(Ask::Reason { pending, marked });
                        let words = Text::NoSuchReason(typed.to_owned()).text(app.language);
                        app.signal(Tone::Error, words, effects);
                    }
                }
                return Nav::Stay;
            }
            Some(Ask::ConfirmPallet { uids, reason }) => {
                let uids = uids.rows.unwrap_or_default();
                self.write(app, WriteStep::Quarantine { uids, reason }, effects);
                return Nav::Stay;
            }
            Some(Ask::ConfirmReject { uid, reason }) => {
                self.write(
                    app,
                    WriteStep::Decide {
                        uid,
                        decision: Decision::Reject { reason },
                    },
                    effects,
                );
                return Nav::Stay;
            }
            None => {}
        }
        match &self.stage {
            Stage::List { list } => {
                // A manifest's id typed (or wedged) is its barcode.
                let opened = match list.open(typed, |r| &r.id) {
                    Opened::Reading => return Nav::Stay,
                    other => other.map(|r| r.id.clone()),
                };
                let unknown = Text::NoSuchManifest;
                if let Some(manifest) =
                    super::opened(app, opened, unknown, Text::NoManifests, effects)
                {
                    self.open_manifest(app, manifest, effects);
                }
                Nav::Stay
            }
            Stage::Manifest { .. } if !typed.is_empty() => {
                self.scan(app, typed.to_owned(), effects)
            }
            _ => Nav::Stay,
        }
    }

    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav {
        self.scan(app, scan, effects)
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        match (&mut self.ask, &mut self.stage) {
            (Some(Ask::Reason { marked, .. }), _) => {
                *marked = list::step(*marked, self.reasons.len(), up);
            }
            (Some(Ask::ConfirmPallet { uids, .. }), _) => uids.arrow(up),
            (Some(_), _) => {}
            (None, Stage::List { list }) => list.arrow(up),
            (None, Stage::Manifest { sheet, marked, .. }) => {
                *marked = list::step(*marked, sheet.as_ref().map_or(0, |s| s.cases.len()), up);
            }
            (None, Stage::Closed { closed, scroll, .. }) => {
                let rows = closed.discrepancies.len();
                *scroll = if up {
                    scroll.saturating_sub(1)
                } else {
                    (*scroll + 1).min(rows.saturating_sub(1))
                };
            }
        }
    }

    fn on_esc(&mut self, app: &mut State, _effects: &mut Vec<Effect>) -> Nav {
        if self.ask.take().is_some() {
            app.say(Text::Cancelled);
            return Nav::Stay;
        }
        Nav::Back
    }

    fn on_read(&mut self, app: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
        let ReadReply::Receiving(answer) = reply else {
            return;
        };
        if self.reasons_wait == Some(id) {
            self.reasons_wait = None;
            if let Ok(Answer::Reasons(reasons)) = answer {
                self.reasons = reasons;
            }
            return;
        }
        if self.read_wait != Some(id) {
            return;
        }
        self.read_wait = None;
        match (answer, &mut self.stage) {
            (Ok(Answer::Manifests(found)), Stage::List { list }) => list.refresh(found),
            (Ok(Answer::Sheet(found)), Stage::Manifest { sheet, .. }) => {
                let next = next_hint(&found);
                *sheet = Some(found);
                app.say(next);
            }
            (Err(failure), _) => app.fail(&failure, effects),
            _ => {}
        }
    }

    fn on_written(
        &mut self,
        app: &mut State,
        id: u64,
        reply: WriteReply,
        effects: &mut Vec<Effect>,
    ) {
        let WriteReply::Receiving(answer) = reply else {
            return;
        };
        let Some(index) = self.writes_waiting.iter().position(|w| *w == id) else {
            return;
        };
        self.writes_waiting.remove(index);
        match answer {
            Ok(done) => self.done(app, done, effects),
            Err(failure) => fail(app, &failure, effects),
        }
        if self.writes_waiting.is_empty() {
            if let Some(input) = self.scale.held.take() {
                self.settled(app, *input, effects);
            }
        }
    }

    fn on_device(&mut self, app: &mut State, event: &DeviceEvent, effects: &mut Vec<Effect>) {
        match self.scale.see(&app.devices, event) {
            Seen::Settled(input) => self.settled(app, input, effects),
            Seen::Alarm(text) if matches!(self.stage, Stage::Manifest { .. }) => {
                let words = text.text(app.language);
                app.signal(Tone::Error, words, effects);
            }
            Seen::Alarm(_) | Seen::Nothing => {}
        }
    }
}

fn fail(app: &mut State, failure: &Failure, effects: &mut Vec<Effect>) {
    app.fail(failure, effects);
}

/// What to scan next, from the sheet.
fn next_hint(sheet: &Sheet) -> Text {
    if sheet.arrived < sheet.lines {
        Text::ScanNext
    } else if sheet.decided < sheet.arrived + sheet.unexpected {
        Text::DecideEach
    } else {
        Text::AllDone
    }
}

/// A typed quantity in the line's unit: whole units, or grams (with up to three decimals).
pub fn parse_quantity(typed: &str, manifest: Quantity) -> Option<Quantity> {
    let typed = typed.trim().trim_end_matches('g').trim();
    match manifest {
        Quantity::Units(_) => typed
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Quantity::Units),
        Quantity::Milligrams(_) => {
            let (whole, fraction) = typed.split_once('.').unwrap_or((typed, ""));
            if fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let whole: u64 = whole.parse().ok()?;
            let fraction: u64 = format!("{fraction:0<3}").parse().ok()?;
            let mg = whole.checked_mul(1_000)?.checked_add(fraction)?;
            (mg > 0).then_some(Quantity::Milligrams(mg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_read_in_the_line_s_unit() {
        let units = Quantity::Units(50);
        let weight = Quantity::Milligrams(453_592);
        assert_eq!(parse_quantity("48", units), Some(Quantity::Units(48)));
        assert_eq!(parse_quantity("4.5", units), None);
        assert_eq!(parse_quantity("0", units), None);
        assert_eq!(
            parse_quantity("452.5", weight),
            Some(Quantity::Milligrams(452_500))
        );
        assert_eq!(
            parse_quantity("452.125 g", weight),
            Some(Quantity::Milligrams(452_125))
        );
        assert_eq!(
            parse_quantity("452", weight),
            Some(Quantity::Milligrams(452_000))
        );
        assert_eq!(parse_quantity("1.2345", weight), None);
        assert_eq!(parse_quantity("x", weight), None);
        assert_eq!(parse_quantity("", weight), None);
    }
}
