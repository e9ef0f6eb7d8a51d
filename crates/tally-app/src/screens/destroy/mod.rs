//! 8 Destroy: scan the package, scan the scale's asset tag, put the package on it (its stable
//! weight is taken), type or scan the reason code, type the method; then a witness signs in on
//! this device (badge, then PIN, masked: not the person destroying) and, after the question an
//! irreversible step asks, the worker checks the witness and records the witness's sign-in, the
//! reading and the destruction as one action. Every rule (weight within tolerance of the
//! package, calibrated scale, a different witness, nothing under count) is the core's.

mod render;
pub mod text;

use super::{Flow, Nav, Screen};
use crate::event::{DestroyOrder, DeviceEvent, Effect, Tone, WriteReply, WriteRequest};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// What the screen waits for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The package's tag.
    Package,
    /// The scale's asset tag.
    Scale,
    /// A stable weight.
    Weight,
    /// The reason code.
    Reason,
    /// The method.
    Method,
    /// The witness's badge.
    WitnessBadge,
    /// The witness's PIN.
    WitnessPin,
    /// The question before destroying.
    Confirm,
}

/// The 8 Destroy screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destroy {
    /// What comes next.
    pub step: Step,
    /// The package.
    pub package: Option<String>,
    /// The scale.
    pub scale: Option<String>,
    /// The stable weight taken, mg.
    pub milligrams: Option<i64>,
    /// Reason code.
    pub reason: Option<String>,
    /// Method.
    pub method: Option<String>,
    /// The witness's badge.
    pub witness: Option<String>,
    pin: Option<String>,
    wait: Option<u64>,
}

/// Opens 8 Destroy.
pub(crate) fn open(state: &mut State) {
    state.go(Screen::Destroy(Destroy {
        step: Step::Package,
        package: None,
        scale: None,
        milligrams: None,
        reason: None,
        method: None,
        witness: None,
        pin: None,
        wait: None,
    }));
    state.say(Text::Prompt(Step::Package));
}

impl Destroy {
    /// A line typed or scanned for the current step.
    fn take(&mut self, app: &mut State, text: &str, effects: &mut Vec<Effect>) {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        self.step = match self.step {
            Step::Package => {
                self.package = Some(text);
                Step::Scale
            }
            Step::Scale => {
                self.scale = Some(text);
                Step::Weight
            }
            Step::Weight => {
                let message = Text::WaitForWeight.text(app.language);
                app.signal(Tone::Error, message, effects);
                Step::Weight
            }
            Step::Reason => {
                self.reason = Some(text);
                Step::Method
            }
            Step::Method => {
                self.method = Some(text);
                Step::WitnessBadge
            }
            Step::WitnessBadge => {
                self.witness = Some(text);
                Step::WitnessPin
            }
            Step::WitnessPin => {
                self.pin = Some(text);
                Step::Confirm
            }
            Step::Confirm => Step::Confirm,
        };
        app.say(Text::Prompt(self.step));
    }

    fn order(&self) -> Option<DestroyOrder> {
        Some(DestroyOrder {
            package: self.package.clone()?,
            scale: self.scale.clone()?,
            milligrams: self.milligrams?,
            reason: self.reason.clone()?,
            method: self.method.clone()?,
            witness_badge: self.witness.clone()?,
            witness_pin: self.pin.clone()?,
        })
    }

    fn start_over(&mut self) {
        *self = Destroy {
            step: Step::Package,
            package: None,
            scale: None,
            milligrams: None,
            reason: None,
            method: None,
            witness: None,
            pin: None,
            wait: None,
        };
    }
}

impl Flow for Destroy {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        vec![
            Msg::KeyScan.text(language),
            Text::KeyEscStep.text(language),
            Msg::KeyHelp.text(language),
            Msg::KeyLock.text(language),
        ]
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn masked(&self) -> bool {
        self.step == Step::WitnessPin
    }

    fn asking(&self) -> bool {
        self.step == Step::Confirm
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        if self.step == Step::Confirm {
            if let (Some(order), Some(who)) = (self.order(), app.session.clone()) {
                // The PIN leaves the screen with the request.
                self.pin = None;
                let id = app.write_id(WriteRequest::Destroy { who, order }, effects);
                self.wait = Some(id);
            }
            return Nav::Stay;
        }
        if self.step == Step::Weight && typed.is_empty() {
            // Enter takes the live weight once it is stable.
            if let Some((mg, true)) = app.devices.weight {
                self.milligrams = Some(mg);
                self.step = Step::Reason;
                app.say(Text::Prompt(self.step));
            } else {
                let text = Text::WaitForWeight.text(app.language);
                app.signal(Tone::Error, text, effects);
            }
            return Nav::Stay;
        }
        self.take(app, typed, effects);
        Nav::Stay
    }

    fn on_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() || self.step == Step::WitnessPin {
            let text = Msg::ScanNotHere.text(app.language);
            app.signal(Tone::Error, text, effects);
            return Nav::Stay;
        }
        self.take(app, &scan, effects);
        Nav::Stay
    }

    fn on_esc(&mut self, app: &mut State, _effects: &mut Vec<Effect>) -> Nav {
        // Esc steps back one field (the PIN is forgotten); on the first, back home.
        self.step = match self.step {
            Step::Package => return Nav::Back,
            Step::Scale => Step::Package,
            Step::Weight => Step::Scale,
            Step::Reason => Step::Weight,
            Step::Method => Step::Reason,
            Step::WitnessBadge => Step::Method,
            Step::WitnessPin | Step::Confirm => {
                self.pin = None;
                Step::WitnessBadge
            }
        };
        app.say(Text::Prompt(self.step));
        Nav::Stay
    }

    fn on_device(&mut self, app: &mut State, event: &DeviceEvent, _effects: &mut Vec<Effect>) {
        if let (
            Step::Weight,
            DeviceEvent::Weight {
                milligrams,
                stable: true,
            },
        ) = (self.step, event)
        {
            self.milligrams = Some(*milligrams);
            self.step = Step::Reason;
            app.say(Text::Prompt(self.step));
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
            WriteReply::Destroyed(Ok(destroyed)) => {
                let text = Text::Destroyed(destroyed.uid, destroyed.witness).text(app.language);
                self.start_over();
                app.signal(Tone::Success, text, effects);
            }
            WriteReply::Destroyed(Err(failure)) => {
                // The witness signs in again; what was gathered stays.
                self.step = Step::WitnessBadge;
                self.witness = None;
                self.pin = None;
                app.fail(&failure, effects);
            }
            _ => {}
        }
    }
}
