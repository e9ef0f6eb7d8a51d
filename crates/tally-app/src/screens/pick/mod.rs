//! 3 Pick: the open pick lists (number + Enter, the arrows, or a scan of the list's barcode),
//! a list's lines in walking order with the first-expired package to take and where it is; a
//! line opened takes a package's scan (checked against the line at once: a later lot is
//! refused naming the lot to take and where), a tote's scan and the quantity typed; Enter on an
//! empty line shorts the rest with a reason code. On the lines, a tote's scan and then a
//! lane's stage the tote. Every rule is the core's, through the floor layer.

mod render;
pub mod text;

use tally_floor::{Outcome, PickListRow};
use tally_replica::workflow::picking::PickStep as Line;

use super::{Flow, Nav, Screen};
use crate::event::{
    Effect, PickLine, PickStep, Picked, ReadReply, ReadRequest, Tone, WriteReply, WriteRequest,
};
use crate::list::{self, Opened, Pick as Chosen, Rows};
use crate::render::quantity;
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// Where the picker is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The open lists.
    Lists {
        /// The lists and the marked row.
        lists: Rows<PickListRow>,
    },
    /// A list's open lines.
    Lines {
        /// Pick list id.
        list: String,
        /// Its open lines in walking order, and the marked row.
        lines: Rows<Line>,
        /// A tote scanned for staging, waiting for its lane.
        staging: Option<String>,
    },
    /// Picking one line.
    Picking {
        /// The line.
        line: PickLine,
        /// Its item's SKU.
        sku: String,
        /// The reason code for a short is being typed.
        shorting: bool,
    },
}

/// The 3 Pick screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// Where the picker is.
    pub stage: Stage,
    wait: Option<u64>,
}

/// Opens 3 Pick: the open lists are read.
pub(crate) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    let id = state.read(ReadRequest::PickLists, effects);
    state.go(Screen::Pick(Pick {
        stage: Stage::Lists {
            lists: Rows::reading(),
        },
        wait: Some(id),
    }));
    state.say(Text::ChooseList);
}

impl Pick {
    fn write(&mut self, app: &mut State, step: PickStep, effects: &mut Vec<Effect>) {
        if let Some(who) = app.session.clone() {
            self.wait = Some(app.write_id(WriteRequest::Pick { who, step }, effects));
        }
    }

    fn open_list(&mut self, app: &mut State, list: String, effects: &mut Vec<Effect>) {
        self.stage = Stage::Lines {
            list: list.clone(),
            lines: Rows::reading(),
            staging: None,
        };
        self.write(app, PickStep::Walk { list }, effects);
    }

    /// Opens what Enter or a scan named in the lists, or says why not.
    fn opened(&mut self, app: &mut State, opened: Opened<String>, effects: &mut Vec<Effect>) {
        if let Some(list) = super::opened(app, opened, Text::NoSuchList, Text::NoLists, effects) {
            self.open_list(app, list, effects);
        }
    }

    fn scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) {
        match &self.stage {
            Stage::Lists { lists } => {
                let opened = lists.scanned(&scan, |l| &l.id).map(|l| l.id.clone());
                self.opened(app, opened, effects);
            }
            Stage::Lines { staging, .. } => {
                let step = PickStep::Stage {
                    tote: staging.clone(),
                    scan,
                };
                self.write(app, step, effects);
            }
            Stage::Picking { line, .. } => {
                let step = PickStep::Scan {
                    line: line.clone(),
                    scan,
                };
                self.write(app, step, effects);
            }
        }
    }

    fn answered(&mut self, app: &mut State, picked: Picked, effects: &mut Vec<Effect>) {
        let l = app.language;
        match picked {
            Picked::Walk(walk) => {
                if let Stage::Lines { lines, .. } = &mut self.stage {
                    lines.set(walk);
                }
            }
            Picked::Step {
                outcome,
                package,
                tote,
            } => {
                let (tone, text, again) = match &outcome {
                    Outcome::PickPackageChosen { uid } => {
                        (Tone::Success, Text::PackageOk(uid.clone()), false)
                    }
                    Outcome::ToteChosen { tote } => {
                        (Tone::Success, Text::ToteOk(tote.clone()), false)
                    }
                    Outcome::Picked { uid, remaining } => (
                        Tone::Success,
                        Text::PickedOk(uid.clone(), quantity(*remaining)),
                        true,
                    ),
                    Outcome::Shorted { short } => {
                        (Tone::Success, Text::ShortedOk(quantity(*short)), true)
                    }
                    Outcome::Staged { tote, route } => (
                        Tone::Success,
                        Text::StagedOk(tote.clone(), route.clone()),
                        false,
                    ),
                    Outcome::Ignored(why) => {
                        app.signal(Tone::Error, why.message(l), effects);
                        return;
                    }
                    _ => (Tone::Error, Text::ScanAgain, false),
                };
                match &mut self.stage {
                    Stage::Picking { line, shorting, .. } => {
                        line.package = package;
                        line.tote = tote;
                        *shorting = false;
                        if let Outcome::Picked { remaining, .. } = &outcome {
                            line.remaining = *remaining;
                        }
                    }
                    Stage::Lines { staging, .. } => *staging = tote,
                    Stage::Lists { .. } => {}
                }
                app.signal(tone, text.text(l), effects);
                // A line picked in full or shorted: back to the list's lines.
                let done = matches!(&self.stage, Stage::Picking { line, .. } if tally_replica::model::amount(line.remaining) == 0)
                    || matches!(outcome, Outcome::Shorted { .. });
                if again && done {
                    if let Stage::Picking { line, .. } = &self.stage {
                        let list = line.list.clone();
                        self.open_list(app, list, effects);
                    }
                }
            }
        }
    }
}

impl Flow for Pick {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let keys = match self.stage {
            Stage::Lists { .. } => list::keys(language, Text::KeyScanList.text(language)),
            Stage::Lines { .. } => list::keys(language, Text::KeyStage.text(language)),
            Stage::Picking { .. } => vec![
                Msg::KeyScan.text(language),
                Text::KeyQuantity.text(language),
                Text::KeyShort.text(language),
            ],
        };
        list::with_flow_keys(language, keys)
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        match &mut self.stage {
            Stage::Lists { lists } => {
                let opened = lists.open(typed, |l| &l.id).map(|l| l.id.clone());
                self.opened(app, opened, effects);
            }
            Stage::Lines { list, lines, .. } => {
                match lines.pick(typed) {
                    Chosen::Row(i) => {
                        if let Some(step) = lines.get(i).cloned() {
                            let list = list.clone();
                            app.say(Text::ScanPackage(
                                step.take
                                    .as_ref()
                                    .map(|c| (c.uid.clone(), c.location_id.clone())),
                            ));
                            self.stage = Stage::Picking {
                                line: PickLine {
                                    list,
                                    line_no: step.line_no,
                                    remaining: step.remaining,
                                    package: None,
                                    tote: None,
                                },
                                sku: step.sku,
                                shorting: false,
                            };
                        }
                    }
                    // A line typed where a scan is expected is a scan (a tote, a lane).
                    Chosen::NotARow(text) => self.scan(app, text, effects),
                    Chosen::Empty => {
                        let text = Text::ListDone.text(app.language);
                        app.signal(Tone::Error, text, effects);
                    }
                }
            }
            Stage::Picking { line, shorting, .. } => {
                if *shorting {
                    if !typed.is_empty() {
                        let step = PickStep::Short {
                            line: line.clone(),
                            reason: typed.to_owned(),
                        };
                        self.write(app, step, effects);
                    }
                    return Nav::Stay;
                }
                if typed.is_empty() {
                    *shorting = true;
                    app.say(Text::TypeShortReason);
                    return Nav::Stay;
                }
                let is_quantity = typed.bytes().all(|b| b.is_ascii_digit() || b == b'.');
                if is_quantity && line.package.is_some() && line.tote.is_some() {
                    let step = PickStep::Quantity {
                        line: line.clone(),
                        typed: typed.to_owned(),
                    };
                    self.write(app, step, effects);
                } else {
                    self.scan(app, typed.to_owned(), effects);
                }
            }
        }
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            let text = Text::Busy.text(app.language);
            app.signal(Tone::Error, text, effects);
            return Nav::Stay;
        }
        self.scan(app, scan, effects);
        Nav::Stay
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        match &mut self.stage {
            Stage::Lists { lists } => lists.arrow(up),
            Stage::Lines { lines, .. } => lines.arrow(up),
            Stage::Picking { .. } => {}
        }
    }

    fn on_esc(&mut self, app: &mut State, effects: &mut Vec<Effect>) -> Nav {
        match &mut self.stage {
            Stage::Picking {
                shorting: shorting @ true,
                ..
            } => {
                *shorting = false;
                Nav::Stay
            }
            Stage::Picking { line, .. } => {
                let list = line.list.clone();
                self.open_list(app, list, effects);
                Nav::Stay
            }
            Stage::Lines {
                staging: staging @ Some(_),
                ..
            } => {
                *staging = None;
                Nav::Stay
            }
            Stage::Lines { .. } => {
                self.stage = Stage::Lists {
                    lists: Rows::reading(),
                };
                self.wait = Some(app.read(ReadRequest::PickLists, effects));
                Nav::Stay
            }
            Stage::Lists { .. } => Nav::Back,
        }
    }

    fn on_read(&mut self, app: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
        if self.wait != Some(id) {
            return;
        }
        self.wait = None;
        match (reply, &mut self.stage) {
            (ReadReply::PickLists(Ok(answer)), Stage::Lists { lists }) => lists.set(answer),
            (ReadReply::PickLists(Err(failure)), _) => app.fail(&failure, effects),
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
        match reply {
            WriteReply::Picked(Ok(picked)) => self.answered(app, picked, effects),
            WriteReply::Picked(Err(failure)) => app.fail(&failure, effects),
            _ => {}
        }
    }
}
