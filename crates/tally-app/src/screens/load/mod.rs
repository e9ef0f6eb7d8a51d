//! 4 Load: the outbound manifests not yet ready (number + Enter, the arrows, or a scan of the
//! manifest's barcode); a manifest's reconciliation against what is staged for its route, with
//! the missing, extra and mismatched packages listed; Enter on an empty line asks whether to
//! close it for loading, and the core refuses unless it is exact. A scan on the manifest reads
//! the reconciliation again (a tote staged meanwhile shows at once).

mod render;
pub mod text;

use tally_floor::OutboundRow;
use tally_replica::workflow::loading::Reconciliation;

use super::{Flow, Nav, Screen};
use crate::event::{Effect, ReadReply, ReadRequest, Tone, WriteReply, WriteRequest};
use crate::list::{self, Pick};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// Where the loader is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The manifests (`None` until read).
    Manifests {
        /// The manifests.
        list: Option<Vec<OutboundRow>>,
        /// The marked row.
        marked: usize,
    },
    /// One manifest.
    Manifest {
        /// Manifest id.
        id: String,
        /// Its reconciliation (`None` until read).
        reconciliation: Option<Reconciliation>,
        /// The close question is shown.
        confirm_close: bool,
    },
}

/// The 4 Load screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    /// Where the loader is.
    pub stage: Stage,
    wait: Option<u64>,
}

/// Opens 4 Load: the manifests are read.
pub(crate) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    let id = state.read(ReadRequest::Outbound, effects);
    state.go(Screen::Load(Load {
        stage: Stage::Manifests {
            list: None,
            marked: 0,
        },
        wait: Some(id),
    }));
    state.say(Text::Choose);
}

impl Load {
    fn open_manifest(&mut self, app: &mut State, id: String, effects: &mut Vec<Effect>) {
        self.stage = Stage::Manifest {
            id: id.clone(),
            reconciliation: None,
            confirm_close: false,
        };
        self.wait = Some(app.read(ReadRequest::Loading { manifest: id }, effects));
    }

    fn back_to_list(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        self.stage = Stage::Manifests {
            list: None,
            marked: 0,
        };
        self.wait = Some(app.read(ReadRequest::Outbound, effects));
    }

    fn named(&self, text: &str) -> Option<String> {
        match &self.stage {
            Stage::Manifests {
                list: Some(list), ..
            } => list
                .iter()
                .find(|m| m.id.eq_ignore_ascii_case(text.trim()))
                .map(|m| m.id.clone()),
            _ => None,
        }
    }
}

impl Flow for Load {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let mut keys = match self.stage {
            Stage::Manifests { .. } => vec![
                Msg::KeyNumber.text(language),
                Msg::KeyArrows.text(language),
                Text::KeyScanManifest.text(language),
            ],
            Stage::Manifest { .. } => vec![
                Text::KeyClose.text(language),
                Text::KeyRefresh.text(language),
            ],
        };
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
        matches!(
            self.stage,
            Stage::Manifest {
                confirm_close: true,
                ..
            }
        )
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        match &mut self.stage {
            Stage::Manifests { list: rows, marked } => {
                let count = rows.as_ref().map_or(0, Vec::len);
                match list::pick(typed, count, *marked) {
                    Pick::Row(i) => {
                        if let Some(id) = rows.as_ref().and_then(|r| r.get(i)).map(|m| m.id.clone())
                        {
                            self.open_manifest(app, id, effects);
                        }
                    }
                    Pick::NotARow(text) => return self.on_scan(app, text, effects),
                    Pick::Empty => {
                        let text = Text::Nothing.text(app.language);
                        app.signal(Tone::Error, text, effects);
                    }
                }
            }
            Stage::Manifest {
                id, confirm_close, ..
            } => {
                if *confirm_close {
                    *confirm_close = false;
                    if let Some(who) = app.session.clone() {
                        let request = WriteRequest::MarkReady {
                            who,
                            manifest: id.clone(),
                        };
                        self.wait = Some(app.write_id(request, effects));
                    }
                } else if typed.is_empty() {
                    *confirm_close = true;
                } else {
                    return self.on_scan(app, typed.to_owned(), effects);
                }
            }
        }
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        match &self.stage {
            Stage::Manifests { .. } => match self.named(&scan) {
                Some(id) => self.open_manifest(app, id, effects),
                None => {
                    let text = Text::NoSuchManifest(scan).text(app.language);
                    app.signal(Tone::Error, text, effects);
                }
            },
            Stage::Manifest { id, .. } => {
                let id = id.clone();
                self.open_manifest(app, id, effects);
            }
        }
        Nav::Stay
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        if let Stage::Manifests {
            list: Some(rows),
            marked,
        } = &mut self.stage
        {
            *marked = list::step(*marked, rows.len(), up);
        }
    }

    fn on_esc(&mut self, app: &mut State, effects: &mut Vec<Effect>) -> Nav {
        match &mut self.stage {
            Stage::Manifest {
                confirm_close: confirm @ true,
                ..
            } => {
                *confirm = false;
                Nav::Stay
            }
            Stage::Manifest { .. } => {
                self.back_to_list(app, effects);
                Nav::Stay
            }
            Stage::Manifests { .. } => Nav::Back,
        }
    }

    fn on_read(&mut self, app: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
        if self.wait != Some(id) {
            return;
        }
        self.wait = None;
        match (reply, &mut self.stage) {
            (ReadReply::Outbound(Ok(answer)), Stage::Manifests { list, marked }) => {
                *marked = 0;
                *list = Some(answer);
            }
            (ReadReply::Loading(Ok(answer)), Stage::Manifest { reconciliation, .. }) => {
                let text = if answer.exact() {
                    Text::Exact
                } else {
                    Text::NotExact
                };
                *reconciliation = Some(answer);
                app.say(text);
            }
            (ReadReply::Outbound(Err(failure)) | ReadReply::Loading(Err(failure)), _) => {
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
        match reply {
            WriteReply::MarkedReady(Ok(_)) => {
                if let Stage::Manifest { id, .. } = &self.stage {
                    let text = Text::Ready(id.clone()).text(app.language);
                    app.signal(Tone::Success, text, effects);
                }
                self.back_to_list(app, effects);
            }
            WriteReply::MarkedReady(Err(failure)) => app.fail(&failure, effects),
            _ => {}
        }
    }
}
