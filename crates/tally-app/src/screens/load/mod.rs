//! 4 Load: the outbound manifests not yet ready (number + Enter, the arrows, or a scan of the
//! manifest's barcode); a manifest's reconciliation against what is staged for its route, with
//! the missing, extra and mismatched packages listed; Enter on an empty line asks whether to
//! close it for loading, and the core refuses unless it is exact. A scan on the manifest reads
//! the reconciliation again (a tote staged meanwhile shows at once).

mod render;
pub mod text;

use tally_floor::OutboundRow;
use tally_replica::workflow::loading::Reconciliation;

use super::confirm::Confirm;
use super::{Flow, Nav, Screen};
use crate::event::{Effect, ReadReply, ReadRequest, Tone, WriteReply, WriteRequest};
use crate::list::{self, Opened, Rows};
use crate::state::State;
use crate::text::{Language, Words};
use text::Text;

/// Where the loader is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The manifests.
    Manifests {
        /// The manifests and the marked row.
        list: Rows<OutboundRow>,
    },
    /// One manifest.
    Manifest {
        /// Manifest id.
        id: String,
        /// Its reconciliation (`None` until read).
        reconciliation: Option<Reconciliation>,
        /// The question before closing it for loading.
        confirm_close: Confirm<()>,
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
            list: Rows::reading(),
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
            confirm_close: Confirm::none(),
        };
        self.wait = Some(app.read(ReadRequest::Loading { manifest: id }, effects));
    }

    fn back_to_list(&mut self, app: &mut State, effects: &mut Vec<Effect>) {
        self.stage = Stage::Manifests {
            list: Rows::reading(),
        };
        self.wait = Some(app.read(ReadRequest::Outbound, effects));
    }

    /// Opens what Enter or a scan named in the list, or says why not.
    fn opened(&mut self, app: &mut State, opened: Opened<String>, effects: &mut Vec<Effect>) {
        let unknown = Text::NoSuchManifest;
        if let Some(id) = super::opened(app, opened, unknown, Text::Nothing, effects) {
            self.open_manifest(app, id, effects);
        }
    }
}

impl Flow for Load {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let keys = match self.stage {
            Stage::Manifests { .. } => list::keys(language, Text::KeyScanManifest.text(language)),
            Stage::Manifest { .. } => vec![
                Text::KeyClose.text(language),
                Text::KeyRefresh.text(language),
            ],
        };
        list::with_flow_keys(language, keys)
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn asking(&self) -> bool {
        matches!(&self.stage, Stage::Manifest { confirm_close, .. } if confirm_close.asking())
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        match &mut self.stage {
            Stage::Manifests { list } => {
                let opened = list.open(typed, |m| &m.id).map(|m| m.id.clone());
                self.opened(app, opened, effects);
            }
            Stage::Manifest {
                id, confirm_close, ..
            } => {
                if confirm_close.yes().is_some() {
                    if let Some(who) = app.session.clone() {
                        let request = WriteRequest::MarkReady {
                            who,
                            manifest: id.clone(),
                        };
                        self.wait = Some(app.write_id(request, effects));
                    }
                } else if typed.is_empty() {
                    confirm_close.ask(());
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
            Stage::Manifests { list } => {
                let opened = list.scanned(&scan, |m| &m.id).map(|m| m.id.clone());
                self.opened(app, opened, effects);
            }
            Stage::Manifest { id, .. } => {
                let id = id.clone();
                self.open_manifest(app, id, effects);
            }
        }
        Nav::Stay
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        if let Stage::Manifests { list } = &mut self.stage {
            list.arrow(up);
        }
    }

    fn on_esc(&mut self, app: &mut State, effects: &mut Vec<Effect>) -> Nav {
        match &mut self.stage {
            Stage::Manifest { confirm_close, .. } if confirm_close.asking() => {
                confirm_close.no();
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
            (ReadReply::Outbound(Ok(answer)), Stage::Manifests { list }) => list.set(answer),
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
