//! 5 Count: blind cycle counts. The counter picks a task (its number and Enter, the arrows and
//! Enter, or a scan of the task's barcode), the round starts, and every scan at the location
//! finds a package; a package counted in units waits for its units typed and Enter. A scan of
//! another location of the task moves the count there. Enter on an empty line asks whether to
//! submit the round; the answer names the packages to recount, never by how much. An RFID
//! reader's tag reads at the location are recorded as a sweep ([`sweep`]: gathered while the
//! worker commits, handed over in batches); every read is recorded before a submit.
//!
//! A weighed package waits for its weight instead: the scale's line shows what it reads, and
//! a load that settles on it records the package's count line (or `w` takes the stable
//! weight on the scale). An empty pan, a load in motion, an overload or an unplugged scale
//! records nothing and the package keeps waiting. The screen shows what the scale reads,
//! never what is expected.
//!
//! Blind means blind: every step goes through the floor layer on the counting view, which
//! cannot read an expected quantity, weight or package list, and this screen keeps only what
//! the counter did (packages found, quantities entered). No list, total, progress, error or
//! lookup here can show what is expected: the core never hands it over.

mod render;
pub mod sweep;
pub mod text;

use tally_floor::Outcome;
use tally_replica::workflow::count::{Entered, Scanned, TaskView};

use super::confirm::Confirm;
use super::{Flow, Nav, Screen};
use crate::event::{
    CountDone, CountStep, DeviceEvent, Effect, Failure, ReadReply, ReadRequest, Tone, WriteReply,
    WriteRequest,
};
use crate::list::{self, Opened, Rows};
use crate::scale::{self, Scale, Seen};
use crate::state::State;
use crate::text::{Language, Msg, Words};
use text::Text;

/// Where the count is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Choosing a task.
    Tasks {
        /// The tasks a counter can work on, and the marked row.
        tasks: Rows<TaskView>,
    },
    /// Counting a round at one location of a task.
    Counting {
        /// Task id.
        task: String,
        /// The round.
        round: i64,
        /// The task's locations, in walking order.
        locations: Vec<String>,
        /// The location being counted.
        location: String,
        /// The package waiting for its units (or, weighed, for its weight).
        package: Option<String>,
        /// The package waiting is weighed: it goes on the scale.
        weighed: bool,
        /// Packages this counter found in this round.
        found: usize,
        /// Of those, with a quantity entered.
        entered: usize,
        /// The question before submitting the round.
        confirm_submit: Confirm<()>,
    },
    /// The round was submitted.
    Submitted {
        /// Task id.
        task: String,
        /// The packages to recount (empty: the count goes to a supervisor); the arrows scroll
        /// a long list.
        recount: Rows<String>,
    },
}

/// The 5 Count screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// Where the count is.
    pub stage: Stage,
    /// The request this screen waits for.
    wait: Option<u64>,
    /// The read of the counter's own lines (found, with a quantity): it refreshes the counts
    /// and holds up no scan.
    lines_wait: Option<u64>,
    /// The task being opened (between the start request and its answer).
    opening: Option<TaskView>,
    /// RFID tag reads on their way to the worker.
    sweep: sweep::Sweep,
    /// The settled load on the scale, and one held while a step is being recorded.
    scale: Scale,
    /// The weight (mg) of the weighing being recorded.
    weighing: Option<i64>,
}

/// Opens 5 Count: the tasks are read.
pub(crate) fn open(state: &mut State, effects: &mut Vec<Effect>) {
    let id = state.read(ReadRequest::CountTasks, effects);
    state.go(Screen::Count(Count {
        stage: Stage::Tasks {
            tasks: Rows::reading(),
        },
        wait: Some(id),
        lines_wait: None,
        opening: None,
        sweep: sweep::Sweep::default(),
        scale: Scale::default(),
        weighing: None,
    }));
    state.say(Text::ChooseTask);
}

impl Count {
    /// The package this screen waits to weigh (scanned, counted by weight, no weight yet):
    /// its tag only, never what it holds on record.
    pub fn waiting_to_weigh(&self) -> Option<&str> {
        match &self.stage {
            Stage::Counting {
                package: Some(uid),
                weighed: true,
                ..
            } => Some(uid),
            _ => None,
        }
    }

    fn write(&mut self, app: &mut State, step: CountStep, effects: &mut Vec<Effect>) {
        let Some(who) = app.session.clone() else {
            return;
        };
        let id = app.write_id(WriteRequest::Count { who, step }, effects);
        self.wait = Some(id);
    }

    /// Hands the worker the next batch of tag reads (every batch waiting when `all`).
    fn send_sweep(&mut self, app: &mut State, all: bool, effects: &mut Vec<Effect>) {
        let (Stage::Counting { task, .. }, Some(who)) = (&self.stage, app.session.clone()) else {
            return;
        };
        let task = task.clone();
        while let Some((location, reads)) = self.sweep.next(all) {
            let step = CountStep::Sweep {
                task: task.clone(),
                location,
                reads,
            };
            let id = app.write_id(
                WriteRequest::Count {
                    who: who.clone(),
                    step,
                },
                effects,
            );
            self.sweep.sent(id);
            if !all {
                break;
            }
        }
    }

    /// The worker recorded (or refused) a batch of tag reads.
    fn swept(&mut self, app: &mut State, reply: WriteReply, effects: &mut Vec<Effect>) {
        match reply {
            WriteReply::Count(Ok(CountDone {
                outcome: Outcome::Swept(tally),
                ..
            })) => {
                if let Stage::Counting { found, .. } = &mut self.stage {
                    *found += tally.new;
                }
                if tally.new > 0 {
                    let text = Text::Swept(tally.new).text(app.language);
                    app.signal(Tone::Success, text, effects);
                }
            }
            WriteReply::Count(Ok(done)) => {
                let text = Text::NotACountStep(format!("{:?}", done.outcome)).text(app.language);
                app.signal(Tone::Error, text, effects);
            }
            WriteReply::Count(Err(failure)) => {
                // The rest would be refused the same way: say it once.
                self.sweep.drop_waiting();
                failed(app, &failure, effects);
            }
            _ => {}
        }
        self.send_sweep(app, false, effects);
    }

    fn read_lines(&mut self, app: &mut State, task: &str, effects: &mut Vec<Effect>) {
        let Some(who) = app.session.clone() else {
            return;
        };
        let request = ReadRequest::MyCountLines {
            who,
            task: task.to_owned(),
        };
        self.lines_wait = Some(app.read(request, effects));
    }

    fn open_task(&mut self, app: &mut State, task: TaskView, effects: &mut Vec<Effect>) {
        app.say(Text::Starting(task.id.clone()));
        let step = CountStep::Start {
            task: task.id.clone(),
        };
        self.opening = Some(task);
        self.write(app, step, effects);
    }

    /// Opens what Enter or a scan named in the tasks, or says why not.
    fn opened(&mut self, app: &mut State, opened: Opened<TaskView>, effects: &mut Vec<Effect>) {
        if let Some(task) = super::opened(app, opened, Text::NoSuchTask, Text::NoTasks, effects) {
            self.open_task(app, task, effects);
        }
    }

    /// A scan (or a line typed where a scan is expected) while counting.
    fn counted_scan(&mut self, app: &mut State, scan: String, effects: &mut Vec<Effect>) {
        let Stage::Counting {
            task,
            locations,
            location,
            package,
            weighed,
            ..
        } = &mut self.stage
        else {
            return;
        };
        if let Some(other) = locations
            .iter()
            .find(|l| l.eq_ignore_ascii_case(scan.trim()))
        {
            *location = other.clone();
            *package = None;
            *weighed = false;
            let text = Text::CountingAt(other.clone()).text(app.language);
            app.signal(Tone::Success, text, effects);
            return;
        }
        let step = CountStep::Scan {
            task: task.clone(),
            location: location.clone(),
            package: package.clone(),
            scan,
        };
        self.write(app, step, effects);
    }

    /// A load settled on the scale: it records the count line of the weighed package waiting;
    /// otherwise it is said and nothing is recorded.
    fn settled(
        &mut self,
        app: &mut State,
        input: tally_floor::DeviceInput,
        effects: &mut Vec<Effect>,
    ) {
        if self.wait.is_some() {
            // The package it belongs to may be the one whose scan is being recorded.
            self.scale.held = Some(Box::new(input));
            return;
        }
        // An empty pan or a tared container: nothing to weigh.
        let Some(mg) = scale::recordable(&input) else {
            return;
        };
        self.weigh_waiting(app, input, mg, effects);
    }

    /// Records `input` (`mg`) as the weight of the weighed package waiting, or says why not.
    fn weigh_waiting(
        &mut self,
        app: &mut State,
        input: tally_floor::DeviceInput,
        mg: i64,
        effects: &mut Vec<Effect>,
    ) {
        let Stage::Counting {
            task,
            location,
            package,
            weighed,
            ..
        } = &self.stage
        else {
            return;
        };
        let l = app.language;
        let step = match (package, weighed) {
            (None, _) => {
                app.signal(Tone::Error, scale::Text::ScanFirst(mg).text(l), effects);
                return;
            }
            (Some(uid), false) => {
                app.signal(
                    Tone::Error,
                    Text::UnitsNotWeight(uid.clone()).text(l),
                    effects,
                );
                return;
            }
            (Some(uid), true) => CountStep::Weigh {
                task: task.clone(),
                location: location.clone(),
                package: uid.clone(),
                input,
                scales: app.settings.scales.clone(),
            },
        };
        self.write(app, step, effects);
        self.weighing = Some(mg);
    }

    fn answered(&mut self, app: &mut State, done: CountDone, effects: &mut Vec<Effect>) {
        let l = app.language;
        let opening = self.opening.take();
        let (tone, text) = match &done.outcome {
            Outcome::CountStarted { round } => {
                let Some(task) = opening else { return };
                let location = task.locations.first().cloned().unwrap_or_default();
                self.stage = Stage::Counting {
                    task: task.id.clone(),
                    round: *round,
                    locations: task.locations.clone(),
                    location: location.clone(),
                    package: None,
                    weighed: false,
                    found: 0,
                    entered: 0,
                    confirm_submit: Confirm::none(),
                };
                self.read_lines(app, &task.id, effects);
                (Tone::Success, Text::Started(*round, location).text(l))
            }
            Outcome::CountScanned(Scanned::Found { uid, weighed }) => {
                let text = if *weighed {
                    Text::WeighIt(uid.clone())
                } else {
                    Text::TypeUnits(uid.clone())
                };
                (Tone::Success, text.text(l))
            }
            Outcome::CountScanned(Scanned::Duplicate { uid }) => {
                (Tone::Error, Text::AlreadyCounted(uid.clone()).text(l))
            }
            Outcome::CountEntered(Entered::Recorded) => match self.weighing {
                Some(mg) => (Tone::Success, Text::CountedWeighed(mg).text(l)),
                None => (Tone::Success, Text::Counted.text(l)),
            },
            Outcome::CountEntered(Entered::Duplicate) => {
                (Tone::Error, Text::AlreadyHasQuantity.text(l))
            }
            Outcome::Swept(tally) => (Tone::Success, Text::Swept(tally.new).text(l)),
            Outcome::CountSubmitted(submitted) => {
                if let Stage::Counting { task, .. } = &self.stage {
                    self.stage = Stage::Submitted {
                        task: task.clone(),
                        recount: Rows::read(submitted.recount.clone()),
                    };
                }
                let text = if submitted.recount.is_empty() {
                    Text::ToSupervisor
                } else {
                    Text::ToRecount(submitted.recount.len())
                };
                (Tone::Success, text.text(l))
            }
            Outcome::Ignored(why) => (Tone::Error, why.message(l)),
            Outcome::Unreadable(u) => (Tone::Error, Text::Unreadable(u.input.clone()).text(l)),
            other => (
                Tone::Error,
                Text::NotACountStep(format!("{other:?}")).text(l),
            ),
        };
        self.weighing = None;
        if let Stage::Counting {
            package,
            weighed,
            task,
            ..
        } = &mut self.stage
        {
            *package = done.package.clone();
            // A package found says whether it is weighed; any other step keeps what the
            // package waiting was (and nothing waiting is weighed).
            if let Outcome::CountScanned(Scanned::Found { weighed: found, .. }) = &done.outcome {
                *weighed = *found;
            }
            *weighed &= package.is_some();
            if done.recorded > 0 {
                let task = task.clone();
                self.read_lines(app, &task, effects);
            }
        }
        app.signal(tone, text, effects);
    }
}

impl Flow for Count {
    fn title(&self, language: Language) -> String {
        Text::Title.text(language)
    }

    fn keys(&self, language: Language) -> Vec<String> {
        let keys: Vec<String> = match self.stage {
            Stage::Tasks { .. } => list::keys(language, Text::KeyScanTask.text(language)),
            Stage::Counting { .. } => vec![
                Msg::KeyScan.text(language),
                Text::KeyUnits.text(language),
                Text::KeyWeigh.text(language),
                Text::KeyLocation.text(language),
                Text::KeySubmit.text(language),
            ],
            Stage::Submitted { .. } => vec![Text::KeyNextTask.text(language)],
        };
        list::with_flow_keys(language, keys)
    }

    fn render(&self, app: &State, frame: &mut ratatui::Frame, area: ratatui::layout::Rect) {
        render::render(self, app, frame, area);
    }

    fn on_command(&mut self, app: &mut State, key: char, effects: &mut Vec<Effect>) -> bool {
        if key != 'w' || !matches!(self.stage, Stage::Counting { .. }) || self.wait.is_some() {
            return false;
        }
        match self.scale.now() {
            Some((input, mg)) => self.weigh_waiting(app, input, mg, effects),
            None => {
                let text = scale::Text::NothingStable.text(app.language);
                app.signal(Tone::Error, text, effects);
            }
        }
        true
    }

    fn on_device(&mut self, app: &mut State, event: &DeviceEvent, effects: &mut Vec<Effect>) {
        // An RFID tag read at the location being counted goes into the sweep.
        if let DeviceEvent::Floor(input) = event {
            if let tally_drivers::event::DeviceEvent::TagRead { epc, .. } = &input.event {
                if let Stage::Counting { location, .. } = &self.stage {
                    let location = location.clone();
                    self.sweep.read(&location, input.clone(), epc);
                    self.send_sweep(app, false, effects);
                }
                return;
            }
        }
        match self.scale.see(&app.devices, event) {
            Seen::Settled(input) => self.settled(app, input, effects),
            Seen::Alarm(text) if matches!(self.stage, Stage::Counting { .. }) => {
                let words = text.text(app.language);
                app.signal(Tone::Error, words, effects);
            }
            Seen::Alarm(_) | Seen::Nothing => {}
        }
    }

    fn asking(&self) -> bool {
        matches!(&self.stage, Stage::Counting { confirm_submit, .. } if confirm_submit.asking())
    }

    fn on_enter(&mut self, app: &mut State, typed: &str, effects: &mut Vec<Effect>) -> Nav {
        if self.wait.is_some() {
            return Nav::Stay;
        }
        match &mut self.stage {
            Stage::Tasks { tasks } => {
                let opened = tasks.open(typed, |t| &t.id).map(TaskView::clone);
                self.opened(app, opened, effects);
            }
            Stage::Counting {
                task,
                location,
                package,
                confirm_submit,
                ..
            } => {
                if confirm_submit.yes().is_some() {
                    let step = CountStep::Submit { task: task.clone() };
                    // Every tag read goes to the worker before the submit.
                    self.send_sweep(app, true, effects);
                    self.write(app, step, effects);
                    return Nav::Stay;
                }
                if typed.is_empty() {
                    confirm_submit.ask(());
                    return Nav::Stay;
                }
                match (package.clone(), typed.parse::<u64>()) {
                    (Some(uid), Ok(units)) => {
                        let step = CountStep::Units {
                            task: task.clone(),
                            location: location.clone(),
                            package: Some(uid),
                            units,
                        };
                        self.write(app, step, effects);
                    }
                    // A line typed where a scan is expected is a scan.
                    _ => self.counted_scan(app, typed.to_owned(), effects),
                }
            }
            Stage::Submitted { .. } => {
                open_tasks_again(self, app, effects);
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
        match &self.stage {
            Stage::Tasks { tasks } => {
                let opened = tasks.scanned(&scan, |t| &t.id).map(TaskView::clone);
                self.opened(app, opened, effects);
            }
            Stage::Counting { .. } => self.counted_scan(app, scan, effects),
            Stage::Submitted { .. } => {
                let text = Msg::ScanNotHere.text(app.language);
                app.signal(Tone::Error, text, effects);
            }
        }
        Nav::Stay
    }

    fn on_arrow(&mut self, _app: &mut State, up: bool) {
        match &mut self.stage {
            Stage::Tasks { tasks } => tasks.arrow(up),
            Stage::Submitted { recount, .. } => recount.arrow(up),
            Stage::Counting { .. } => {}
        }
    }

    fn on_esc(&mut self, _app: &mut State, _effects: &mut Vec<Effect>) -> Nav {
        match &mut self.stage {
            Stage::Counting { confirm_submit, .. } if confirm_submit.asking() => {
                confirm_submit.no();
                Nav::Stay
            }
            Stage::Counting {
                package: package @ Some(_),
                weighed,
                ..
            } => {
                *package = None;
                *weighed = false;
                Nav::Stay
            }
            _ => Nav::Back,
        }
    }

    fn on_read(&mut self, app: &mut State, id: u64, reply: ReadReply, effects: &mut Vec<Effect>) {
        if self.lines_wait == Some(id) {
            self.lines_wait = None;
        } else if self.wait == Some(id) {
            self.wait = None;
        } else {
            return;
        }
        match reply {
            ReadReply::CountTasks(Ok(list)) => {
                if let Stage::Tasks { tasks } = &mut self.stage {
                    tasks.set(list);
                }
            }
            ReadReply::MyCountLines(Ok((lines, with_quantity))) => {
                if let Stage::Counting { found, entered, .. } = &mut self.stage {
                    *found = lines;
                    *entered = with_quantity;
                }
            }
            ReadReply::CountTasks(Err(failure)) | ReadReply::MyCountLines(Err(failure)) => {
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
        if self.sweep.answered(id) {
            self.swept(app, reply, effects);
            return;
        }
        if self.wait != Some(id) {
            return;
        }
        self.wait = None;
        match reply {
            WriteReply::Count(Ok(done)) => self.answered(app, done, effects),
            WriteReply::Count(Err(failure)) => {
                self.opening = None;
                self.weighing = None;
                failed(app, &failure, effects);
            }
            _ => {}
        }
        if self.wait.is_none() {
            if let Some(input) = self.scale.held.take() {
                self.settled(app, *input, effects);
            }
        }
    }
}

fn failed(app: &mut State, failure: &Failure, effects: &mut Vec<Effect>) {
    app.fail(failure, effects);
}

fn open_tasks_again(count: &mut Count, app: &mut State, effects: &mut Vec<Effect>) {
    count.stage = Stage::Tasks {
        tasks: Rows::reading(),
    };
    count.wait = Some(app.read(ReadRequest::CountTasks, effects));
    app.say(Text::ChooseTask);
}
