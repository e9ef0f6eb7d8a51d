//! 9 Supervisor: what waits for a supervisor, as one numbered list: counts in review, badges
//! locked out, packages in conflict. A count opens line by line (expected, counted, variance:
//! the supervisor's view); a line's number and Enter asks for a reason code, then whether to
//! approve (irreversible); the row after the lines closes the count, after a question too. A
//! locked badge's row unlocks it after a question. The last row opens the re-anchoring to a
//! ledger restored from a backup (`screens::reanchor`). Every rule is the core's: the floor layer
//! runs each step; a refusal comes back in the user's words. Other roles see the entry dimmed
//! on home, with why.

mod render;
pub mod text;

use tally_floor::Outcome;
use tally_replica::workflow::count::Variance;

use super::{Flow, Nav, Screen};
use crate::event::{
    Effect, ReadReply, ReadRequest, SuperviseStep, SupervisorWork, Tone, WriteReply, WriteRequest,
};
use crate::list::{self, Pick};
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
}

/// Where the supervisor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The list of what waits (`None` until read).
    Work {
        /// What waits.
        work: Option<SupervisorWork>,
        /// The marked row.
        marked: usize,
        /// A question about a row.
        question: Option<Question>,
    },
    /// A count in review.
    Review {
        /// Count task id.
        task: String,
        /// Its lines (`None` until read).
        lines: Option<Vec<Variance>>,
        /// The marked row (the row after the lines closes the count).
        marked: usize,
        /// The line whose reason code is being typed.
        reason_for: Option<String>,
        /// A question.
        question: Option<Question>,
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
            work: None,
            marked: 0,
            question: None,
        },
        wait: None,
    };
    screen.read_work(state, effects);
    state.go(Screen::Supervisor(screen));
    state.say(Text::Choose);
}

/// One row of the work list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Row {
    Review(String),
    Unlock(String),
    Conflict(String),
    /// Re-anchor this device to a ledger restored from a backup (always offered, last: the
    /// screen says when there is nothing to re-anchor).
    Reanchor,
}

pub(crate) fn rows(work: &SupervisorWork) -> Vec<Row> {
    let mut rows: Vec<Row> = work
        .reviews
        .iter()
        .map(|r| Row::Review(r.task.clone()))
        .collect();
    rows.extend(work.locked.iter().map(|b| Row::Unlock(b.badge.clone())));
    rows.extend(work.conflicts.iter().map(|c| Row::Conflict(c.uid.clone())));
    rows.push(Row::Reanchor);
    rows
}

/// Whether nothing waits for a supervisor (the tools after the work are always listed).
pub(crate) fn nothing_waits(work: &SupervisorWork) -> bool {
    work.reviews.is_empty() && work.locked.is_empty() && work.conflicts.is_empty()
}

/// The row number (from 1) that unlocks `badge`, if it is listed.
pub fn row_number_of_unlock(work: &SupervisorWork, badge: &str) -> Option<usize> {
    rows(work)
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
            Stage::Work { question, .. } | Stage::Review { question, .. } => question.as_ref(),
        }
    }

    fn answer_yes(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        let (question, task) = match &mut self.stage {
            Stage::Work { question, .. } => (question.take(), None),
            Stage::Review { question, task, .. } => (question.take(), Some(task.clone())),
        };
        let step = match (question, task) {
            (Some(Question::Approve { uid, reason }), Some(task)) => {
                SuperviseStep::Approve { task, uid, reason }
            }
            (Some(Question::Close), Some(task)) => SuperviseStep::Close { task },
            (Some(Question::Unlock(badge)), _) => SuperviseStep::Unlock { badge },
            _ => return,
        };
        self.write(app, step, effects);
    }

    fn enter_on_work(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) {
        let Stage::Work {
            work: Some(work),
            marked,
            question,
        } = &mut self.stage
        else {
            return;
        };
        let rows = rows(work);
        match list::pick(typed, rows.len(), *marked) {
            Pick::Row(i) => match rows[i].clone() {
                Row::Review(task) => {
                    self.stage = Stage::Review {
                        task: task.clone(),
                        lines: None,
                        marked: 0,
                        reason_for: None,
                        question: None,
                    };
                    self.read_review(app, &task, effects);
                }
                Row::Unlock(badge) => *question = Some(Question::Unlock(badge)),
                Row::Conflict(uid) => {
                    let text = Text::ConflictHowTo(uid).text(app.language);
                    app.signal(Tone::Error, text, effects);
                }
                Row::Reanchor => crate::screens::reanchor::open(app, effects),
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
            lines: Some(lines),
            marked,
            reason_for,
            question,
            ..
        } = &mut self.stage
        else {
            return;
        };
        if let Some(uid) = reason_for.take() {
            if typed.is_empty() {
                *reason_for = Some(uid);
                let text = Text::TypeReason(String::new()).text(app.language);
                app.signal(Tone::Error, text, effects);
            } else {
                *question = Some(Question::Approve {
                    uid,
                    reason: typed.to_owned(),
                });
            }
            return;
        }
        // The lines, then one row that closes the count.
        match list::pick(typed, lines.len() + 1, *marked) {
            Pick::Row(i) if i == lines.len() => *question = Some(Question::Close),
            Pick::Row(i) => {
                let uid = lines[i].uid.clone();
                app.say(Text::TypeReason(uid.clone()));
                *reason_for = Some(uid);
            }
            Pick::NotARow(text) => {
                let text = Text::NoSuchRow(text).text(app.language);
                app.signal(Tone::Error, text, effects);
            }
            Pick::Empty => {}
        }
    }
}

impl Flow for Supervisor {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let mut keys = vec![Msg::KeyNumber.text(language), Msg::KeyArrows.text(language)];
        if matches!(self.stage, Stage::Review { .. }) {
            keys.push(Text::KeyReason.text(language));
            keys.push(Text::KeyClose.text(language));
        }
        keys.extend([
            Msg::KeyHelp.text(language),
            Msg::KeyEsc.text(language),
            Msg::KeyLock.text(language),
        ]);
        keys
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
        let text = Msg::ScanNotHere.text(app.language);
        app.signal(Tone::Error, text, effects);
        Nav::Stay
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        match &mut self.stage {
            Stage::Work {
                work: Some(work),
                marked,
                question: None,
            } => *marked = list::step(*marked, rows(work).len(), up),
            Stage::Review {
                lines: Some(lines),
                marked,
                question: None,
                reason_for: None,
                ..
            } => *marked = list::step(*marked, lines.len() + 1, up),
            _ => {}
        }
    }

    fn on_esc(&mut self, app: &mut State, effects: &mut Vec<Effect>) -> Nav {
        match &mut self.stage {
            Stage::Work {
                question: question @ Some(_),
                ..
            }
            | Stage::Review {
                question: question @ Some(_),
                ..
            } => {
                *question = None;
                Nav::Stay
            }
            Stage::Review {
                reason_for: reason @ Some(_),
                ..
            } => {
                *reason = None;
                Nav::Stay
            }
            Stage::Review { .. } => {
                self.stage = Stage::Work {
                    work: None,
                    marked: 0,
                    question: None,
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
            (ReadReply::SupervisorWork(Ok(answer)), Stage::Work { work, marked, .. }) => {
                *marked = 0;
                *work = Some(answer);
            }
            (ReadReply::Review(Ok(answer)), Stage::Review { lines, .. }) => *lines = Some(answer),
            (ReadReply::SupervisorWork(Err(failure)) | ReadReply::Review(Err(failure)), _) => {
                app.fail(&failure, effects)
            }
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
                            work: None,
                            marked: 0,
                            question: None,
                        };
                        self.read_work(app, effects);
                    }
                }
            }
            Err(failure) => app.fail(&failure, effects),
        }
    }
}
