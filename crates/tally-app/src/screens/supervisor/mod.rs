//! 9 Supervisor: what waits for a supervisor, as one numbered list: counts in review, badges
//! locked out, packages in conflict. A count opens line by line (expected, counted, variance:
//! the supervisor's view); a line's number and Enter asks for a reason code, then whether to
//! approve (irreversible); the row after the lines closes the count, after a question too. A
//! locked badge's row unlocks it after a question. A conflict's row opens both sides (what
//! the replica holds now, this device's changes, the ledger's events they crossed) and the
//! settlement form: the quantity found, where it is, its status (each Enter alone keeps what is
//! recorded), an adjustment reason code; then a question, and one `conflict_settled` event. The
//! row before the last opens the dock view (`screens::dock`: the facility's devices at the
//! ledger); the last row opens the re-anchoring to a ledger restored from a backup
//! (`screens::reanchor`).
//! Every rule is the core's: the floor layer
//! runs each step; a refusal comes back in the user's words. Other roles see the entry dimmed
//! on home, with why.

mod render;
pub mod text;

use tally_events::payload::PackageStatus;
use tally_events::Quantity;
use tally_floor::{ConflictSides, Outcome};
use tally_replica::workflow::count::Variance;

use super::confirm::Confirm;
use super::{Flow, Nav, Screen};
use crate::event::{
    Effect, ReadReply, ReadRequest, SuperviseStep, SupervisorWork, Tone, WriteReply, WriteRequest,
};
use crate::list::{self, Pick, Rows};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// A question the screen asks before an irreversible step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Approve this adjustment with this reason.
    Approve {
        /// Package tag.
        uid: String,
        /// Reason code.
        reason: String,
    },
    /// Close the count.
    Close,
    /// Unlock this badge.
    Unlock(String),
    /// Settle this package's conflict as found.
    Settle(Found),
}

/// What the supervisor found when they checked a package in conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Package tag.
    pub uid: String,
    /// Quantity found.
    pub quantity: Quantity,
    /// Where it is.
    pub location: String,
    /// Its status.
    pub status: PackageStatus,
    /// Adjustment reason code.
    pub reason: String,
}

/// The settlement form's field being filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The quantity found (Enter alone: as recorded).
    Quantity,
    /// Where it is (scan or type; Enter alone: as recorded).
    Location,
    /// Its status, from [`STATUSES`] (number, arrows; Enter alone: the marked one).
    Status,
    /// The adjustment reason code.
    Reason,
}

/// The statuses a settlement may state, in the order the form lists them.
pub const STATUSES: [PackageStatus; 3] = [
    PackageStatus::Active,
    PackageStatus::OnHold,
    PackageStatus::Quarantined,
];

/// The settlement form of a conflict, filled field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settle {
    /// The field being filled.
    pub field: Field,
    /// Quantity found.
    pub quantity: Option<Quantity>,
    /// Where it is.
    pub location: Option<String>,
    /// The statuses, the recorded one marked at first.
    pub status: Rows<PackageStatus>,
    /// Status chosen.
    pub chosen: Option<PackageStatus>,
}

impl Settle {
    fn new(recorded: PackageStatus) -> Settle {
        let mut status = Rows::read(STATUSES.to_vec());
        status.marked = STATUSES.iter().position(|s| *s == recorded).unwrap_or(0);
        Settle {
            field: Field::Quantity,
            quantity: None,
            location: None,
            status,
            chosen: None,
        }
    }
}

/// Where the supervisor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The list of what waits.
    Work {
        /// What waits, one row each, and the marked row.
        list: Rows<Row>,
        /// A question about a row.
        question: Confirm<Question>,
    },
    /// A package in conflict: both sides and the settlement form.
    Conflict {
        /// Package tag.
        uid: String,
        /// Both sides (`None` until read).
        sides: Option<ConflictSides>,
        /// The form.
        form: Settle,
        /// The question before settling.
        question: Confirm<Question>,
    },
    /// A count in review.
    Review {
        /// Count task id.
        task: String,
        /// Its lines, then the row that closes the count; and the marked row.
        lines: Rows<ReviewRow>,
        /// The line whose reason code is being typed.
        reason_for: Option<String>,
        /// A question.
        question: Confirm<Question>,
    },
}

/// The 9 Supervisor screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supervisor {
    /// Where the supervisor is.
    pub stage: Stage,
    wait: Option<u64>,
}

/// Opens 9 Supervisor: what waits is read.
pub(crate) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    let mut screen = Supervisor {
        stage: Stage::Work {
            list: Rows::reading(),
            question: Confirm::none(),
        },
        wait: None,
    };
    screen.read_work(state, effects);
    state.go(Screen::Supervisor(screen));
    state.say(Text::Choose);
}

/// One row of the list of what waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A count in review (task id).
    Review(String),
    /// A badge locked out.
    Unlock(String),
    /// A package in conflict.
    Conflict(String),
    /// The dock view: the facility's devices at the ledger (always offered, before the
    /// re-anchoring).
    Dock,
    /// Re-anchor this device to a ledger restored from a backup (always offered, last: the
    /// screen says when there is nothing to re-anchor).
    Reanchor,
}

/// One row of a count in review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewRow {
    /// A line: expected, counted, variance.
    Line(Variance),
    /// The row after the lines: close the count.
    Close,
}

/// The rows of what waits, in the order shown.
pub fn rows(work: &SupervisorWork) -> Vec<Row> {
    let mut rows: Vec<Row> = work
        .reviews
        .iter()
        .map(|r| Row::Review(r.task.clone()))
        .collect();
    rows.extend(work.locked.iter().map(|b| Row::Unlock(b.badge.clone())));
    rows.extend(work.conflicts.iter().map(|c| Row::Conflict(c.uid.clone())));
    rows.push(Row::Dock);
    rows.push(Row::Reanchor);
    rows
}

/// The row number (from 1) that unlocks `badge`, if it is listed.
pub fn row_number_of_unlock(list: &Rows<Row>, badge: &str) -> Option<usize> {
    list.rows
        .as_ref()?
        .iter()
        .position(|r| *r == Row::Unlock(badge.to_owned()))
        .map(|i| i + 1)
}

impl Supervisor {
    fn read_work(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        if let Some(who) = app.session.clone() {
            self.wait = Some(app.read(ReadRequest::SupervisorWork { who }, effects));
        }
    }

    fn read_review(&mut self, app: &mut State, task: &str, effects: &mut Vec<Effect>) {
        if let Some(who) = app.session.clone() {
            let request = ReadRequest::Review {
                who,
                task: task.to_owned(),
            };
            self.wait = Some(app.read(request, effects));
        }
    }

    fn write(&mut self, app: &mut State, step: SuperviseStep, effects: &mut Vec<Effect>) {
        if let Some(who) = app.session.clone() {
            self.wait = Some(app.write_id(WriteRequest::Supervise { who, step }, effects));
        }
    }

    fn question(&self) -> Option<&Question> {
        match &self.stage {
            Stage::Work { question, .. }
            | Stage::Review { question, .. }
            | Stage::Conflict { question, .. } => question.question(),
        }
    }

    fn answer_yes(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        let (question, task) = match &mut self.stage {
            Stage::Work { question, .. } | Stage::Conflict { question, .. } => {
                (question.yes(), None)
            }
            Stage::Review { question, task, .. } => (question.yes(), Some(task.clone())),
        };
        let step = match (question, task) {
            (Some(Question::Approve { uid, reason }), Some(task)) => {
                SuperviseStep::Approve { task, uid, reason }
            }
            (Some(Question::Close), Some(task)) => SuperviseStep::Close { task },
            (Some(Question::Unlock(badge)), _) => SuperviseStep::Unlock { badge },
            (Some(Question::Settle(found)), _) => SuperviseStep::Settle {
                uid: found.uid,
                quantity: found.quantity,
                location: found.location,
                status: found.status,
                reason: found.reason,
            },
            _ => return,
        };
        self.write(app, step, effects);
    }

    fn enter_on_work(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) {
        let Stage::Work { list, question } = &mut self.stage else {
            return;
        };
        if list.rows.is_none() {
            return;
        }
        match list.pick(typed) {
            Pick::Row(i) => match list.get(i).cloned() {
                None => {}
                Some(Row::Review(task)) => {
                    self.stage = Stage::Review {
                        task: task.clone(),
                        lines: Rows::reading(),
                        reason_for: None,
                        question: Confirm::none(),
                    };
                    self.read_review(app, &task, effects);
                }
                Some(Row::Unlock(badge)) => question.ask(Question::Unlock(badge)),
                Some(Row::Conflict(uid)) => {
                    self.stage = Stage::Conflict {
                        uid: uid.clone(),
                        sides: None,
                        form: Settle::new(PackageStatus::Active),
                        question: Confirm::none(),
                    };
                    if let Some(who) = app.session.clone() {
                        let request = ReadRequest::ConflictSides { who, uid };
                        self.wait = Some(app.read(request, effects));
                    }
                    app.say(Text::TypeQuantity);
                }
                Some(Row::Dock) => crate::screens::dock::open(app),
                Some(Row::Reanchor) => crate::screens::reanchor::open(app, effects),
            },
            Pick::NotARow(text) => {
                let text = Text::NoSuchRow(text).text(app.language);
                app.signal(Tone::Error, text, effects);
            }
            Pick::Empty => {
                let text = Text::NothingWaits.text(app.language);
                app.signal(Tone::Error, text, effects);
            }
        }
    }

    fn enter_on_review(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) {
        let Stage::Review {
            lines,
            reason_for,
            question,
            ..
        } = &mut self.stage
        else {
            return;
        };
        if lines.rows.is_none() {
            return;
        }
        if let Some(uid) = reason_for.take() {
            if typed.is_empty() {
                *reason_for = Some(uid);
                let text = Text::TypeReason(String::new()).text(app.language);
                app.signal(Tone::Error, text, effects);
            } else {
                question.ask(Question::Approve {
                    uid,
                    reason: typed.to_owned(),
                });
            }
            return;
        }
        // The lines, then one row that closes the count.
        match lines.pick(typed) {
            Pick::Row(i) => match lines.get(i) {
                Some(ReviewRow::Close) => question.ask(Question::Close),
                Some(ReviewRow::Line(line)) => {
                    let uid = line.uid.clone();
                    app.say(Text::TypeReason(uid.clone()));
                    *reason_for = Some(uid);
                }
                None => {}
            },
            Pick::NotARow(text) => {
                let text = Text::NoSuchRow(text).text(app.language);
                app.signal(Tone::Error, text, effects);
            }
            Pick::Empty => {}
        }
    }
}

impl Supervisor {
    /// Enter on the settlement form: the field typed (empty: as recorded), then the next.
    fn enter_on_conflict(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) {
        let Stage::Conflict {
            uid,
            sides: Some(sides),
            form,
            question,
        } = &mut self.stage
        else {
            return;
        };
        let l = app.language;
        match form.field {
            Field::Quantity => {
                let found = if typed.is_empty() {
                    Some(sides.quantity)
                } else {
                    super::receive::parse_quantity(typed, sides.quantity)
                };
                match found {
                    Some(quantity) => {
                        form.quantity = Some(quantity);
                        form.field = Field::Location;
                        app.say(Text::ScanLocation);
                    }
                    None => {
                        let weighed = matches!(sides.quantity, Quantity::Milligrams(_));
                        app.signal(Tone::Error, Text::BadQuantity { weighed }.text(l), effects);
                    }
                }
            }
            Field::Location => match (typed.is_empty(), &sides.location) {
                (true, None) => app.signal(Tone::Error, Text::ScanLocation.text(l), effects),
                (true, Some(recorded)) => {
                    form.location = Some(recorded.clone());
                    form.field = Field::Status;
                    app.say(Text::ChooseStatus);
                }
                (false, _) => {
                    form.location = Some(typed.to_owned());
                    form.field = Field::Status;
                    app.say(Text::ChooseStatus);
                }
            },
            Field::Status => match form.status.pick(typed) {
                Pick::Row(i) => {
                    form.chosen = form.status.get(i).copied();
                    form.field = Field::Reason;
                    app.say(Text::TypeSettleReason);
                }
                Pick::NotARow(text) => {
                    let text = Text::NoSuchRow(text).text(l);
                    app.signal(Tone::Error, text, effects);
                }
                Pick::Empty => {}
            },
            Field::Reason if typed.is_empty() => {
                app.signal(Tone::Error, Text::TypeSettleReason.text(l), effects);
            }
            Field::Reason => {
                if let (Some(quantity), Some(location), Some(status)) =
                    (form.quantity, form.location.clone(), form.chosen)
                {
                    question.ask(Question::Settle(Found {
                        uid: uid.clone(),
                        quantity,
                        location,
                        status,
                        reason: typed.to_owned(),
                    }));
                }
            }
        }
    }
}

impl Flow for Supervisor {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let mut keys = match self.stage {
            Stage::Conflict { .. } => vec![
                Text::KeySettleField.text(language),
                Text::KeyKeepRecorded.text(language),
            ],
            _ => vec![Msg::KeyNumber.text(language), Msg::KeyArrows.text(language)],
        };
        if matches!(self.stage, Stage::Review { .. }) {
            keys.push(Text::KeyReason.text(language));
            keys.push(Text::KeyClose.text(language));
        }
        list::with_flow_keys(language, keys)
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn asking(&self) -> bool {
        self.question().is_some()
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        if self.question().is_some() {
            self.answer_yes(app, effects);
            return Nav::Stay;
        }
        match self.stage {
            Stage::Work { .. } => self.enter_on_work(app, typed, effects),
            Stage::Review { .. } => self.enter_on_review(app, typed, effects),
            Stage::Conflict { .. } => self.enter_on_conflict(app, typed, effects),
        }
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav {
        // A scanned reason-code card is the reason.
        if let Stage::Review {
            reason_for: Some(_),
            ..
        } = self.stage
        {
            return self.on_enter(app, scan.trim(), effects);
        }
        // On the settlement form a scan fills the location or the reason code.
        if let Stage::Conflict { form, .. } = &self.stage {
            if matches!(form.field, Field::Location | Field::Reason) {
                return self.on_enter(app, scan.trim(), effects);
            }
        }
        let text = Msg::ScanNotHere.text(app.language);
        app.signal(Tone::Error, text, effects);
        Nav::Stay
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        match &mut self.stage {
            Stage::Work { list, question } if !question.asking() => list.arrow(up),
            Stage::Review {
                lines,
                question,
                reason_for: None,
                ..
            } if !question.asking() => lines.arrow(up),
            Stage::Conflict { form, question, .. }
                if !question.asking() && form.field == Field::Status =>
            {
                form.status.arrow(up)
            }
            _ => {}
        }
    }

    fn on_esc(&mut self, app: &mut State, effects: &mut Vec<Effect>) -> Nav {
        match &mut self.stage {
            Stage::Work { question, .. }
            | Stage::Review { question, .. }
            | Stage::Conflict { question, .. }
                if question.asking() =>
            {
                question.no();
                Nav::Stay
            }
            Stage::Review {
                reason_for: reason @ Some(_),
                ..
            } => {
                *reason = None;
                Nav::Stay
            }
            Stage::Conflict { form, .. } if form.field != Field::Quantity => {
                // Back one field of the form.
                form.field = match form.field {
                    Field::Reason => Field::Status,
                    Field::Status => Field::Location,
                    _ => Field::Quantity,
                };
                Nav::Stay
            }
            Stage::Review { .. } | Stage::Conflict { .. } => {
                self.stage = Stage::Work {
                    list: Rows::reading(),
                    question: Confirm::none(),
                };
                self.read_work(app, effects);
                Nav::Stay
            }
            Stage::Work { .. } => Nav::Back,
        }
    }

    fn on_read(&mut self, app: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
        if self.wait != Some(id) {
            return;
        }
        self.wait = None;
        match (reply, &mut self.stage) {
            (ReadReply::SupervisorWork(Ok(answer)), Stage::Work { list, .. }) => {
                list.set(rows(&answer));
            }
            (ReadReply::Review(Ok(answer)), Stage::Review { lines, .. }) => {
                let mut rows: Vec<ReviewRow> = answer.into_iter().map(ReviewRow::Line).collect();
                rows.push(ReviewRow::Close);
                lines.refresh(rows);
            }
            (ReadReply::ConflictSides(Ok(answer)), Stage::Conflict { sides, form, .. }) => {
                *form = Settle::new(answer.status);
                *sides = Some(answer);
            }
            (
                ReadReply::SupervisorWork(Err(failure))
                | ReadReply::Review(Err(failure))
                | ReadReply::ConflictSides(Err(failure)),
                _,
            ) => app.fail(&failure, effects),
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
        if self.wait != Some(id) {
            return;
        }
        self.wait = None;
        let WriteReply::Supervised(answer) = reply else {
            return;
        };
        match answer {
            Ok(outcome) => {
                let text = match &outcome {
                    Outcome::Approved(line) => Text::Approved(line.uid.clone()),
                    Outcome::CountClosed { task } => Text::Closed(task.clone()),
                    Outcome::Unlocked { badge } => Text::Unlocked(badge.clone()),
                    Outcome::ConflictSettled(settled) => Text::Settled(settled.uid.clone()),
                    _ => Text::Done,
                };
                app.signal(Tone::Success, text.text(app.language), effects);
                match (&outcome, &self.stage) {
                    (Outcome::Approved(_), Stage::Review { task, .. }) => {
                        let task = task.clone();
                        self.read_review(app, &task, effects);
                    }
                    _ => {
                        self.stage = Stage::Work {
                            list: Rows::reading(),
                            question: Confirm::none(),
                        };
                        self.read_work(app, effects);
                    }
                }
            }
            Err(failure) => {
                // A refused settlement stays on its form, at the reason code.
                if let Stage::Conflict { form, .. } = &mut self.stage {
                    form.field = Field::Reason;
                }
                app.fail(&failure, effects)
            }
        }
    }
}
