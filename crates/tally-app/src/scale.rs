//! The scale as the weighing screens (1 Receive, 5 Count) see it: one line saying what it
//! reads now (a stable weight, a weight in motion, over or under its range, not connected),
//! which stable weights may be recorded, and what the screens say about a weight they do not
//! record. No rule of weighing lives here: the floor layer records the weighing and the core
//! gives its verdict; this only keeps a weight that is not one (an empty pan, a tare, a load
//! in motion, an overload, an unplugged scale) from ever being sent as one.
//!
//! A stable weight reaches a screen once per settled load ([`crate::devices`] sends it as
//! `DeviceEvent::Floor`); the screen keeps the last one as its [`Scale`] until the load moves,
//! the scale goes out of range or is unplugged, so a person can also take it with a key.

use tally_drivers::event::DeviceEvent as DriverEvent;
use tally_floor::DeviceInput;

use crate::event::{DeviceEvent, DeviceKind};
use crate::render::grams;
use crate::state::Devices;
use crate::text::{bilingual, Language, Words};

/// What the scale reads now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// No scale has reported (a handheld without one, or not heard from yet).
    NotHeard,
    /// The scale is not connected.
    Unplugged,
    /// Over capacity (`over`) or under its lower limit: no weight.
    OutOfRange {
        /// Over capacity.
        over: bool,
    },
    /// A weight in motion (mg).
    Moving(i64),
    /// A stable weight (mg).
    Stable(i64),
}

impl Reads {
    /// What the devices last reported, for the scale.
    pub fn of(devices: &Devices) -> Reads {
        match (devices.scale, devices.out_of_range, devices.weight) {
            (Some(false), _, _) => Reads::Unplugged,
            (_, Some(over), _) => Reads::OutOfRange { over },
            (_, None, Some((mg, true))) => Reads::Stable(mg),
            (_, None, Some((mg, false))) => Reads::Moving(mg),
            (Some(true), None, None) | (None, None, None) => Reads::NotHeard,
        }
    }

    /// Whether nothing can be weighed now (motion, out of range, unplugged), which the screen
    /// also signals when it starts.
    pub fn alarm(self) -> bool {
        matches!(self, Reads::OutOfRange { .. } | Reads::Unplugged)
    }
}

/// The scale's line on a weighing screen; `None` when no scale ever reported.
pub fn line(devices: &Devices, language: Language) -> Option<String> {
    let text = match Reads::of(devices) {
        Reads::NotHeard if devices.scale.is_none() => return None,
        Reads::NotHeard => Text::NoReading,
        Reads::Unplugged => Text::Unplugged,
        Reads::OutOfRange { over: true } => Text::Overload,
        Reads::OutOfRange { over: false } => Text::Underload,
        Reads::Moving(mg) => Text::Moving(mg),
        Reads::Stable(mg) => Text::Stable(mg),
    };
    Some(text.text(language))
}

/// The weight in milligrams a stable reading from the floor stream carries, when it may be
/// recorded as something's weight: a stable mass above zero. An empty pan and a tared
/// container read zero; a negative net is a tare taken with the load on. Neither is a weight.
pub fn recordable(input: &DeviceInput) -> Option<i64> {
    let DriverEvent::Weight(reading) = &input.event else {
        return None;
    };
    let mg = reading.stable_weight()?.to_milligrams().ok()?.0;
    (mg > 0).then_some(mg)
}

/// The last settled load a weighing screen saw, until the load moves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scale {
    /// The last stable weight (the floor's input, as the driver decoded it).
    pub settled: Option<Box<DeviceInput>>,
    /// A stable weight that came while the screen's last step was being recorded: it is
    /// handled once the answer is in (it may belong to the case just scanned).
    pub held: Option<Box<DeviceInput>>,
    /// What the scale read when it last could not weigh (said once per change).
    alarm: Option<Reads>,
}

/// What a device report means for a weighing screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A new settled load: the screen decides what it weighs.
    Settled(DeviceInput),
    /// The scale just went out of range or was unplugged (or from one to the other): say so.
    Alarm(Text),
    /// Nothing for the screen to do.
    Nothing,
}

impl Scale {
    /// Takes a device report. Motion, an overload or an unplug forget the settled load (and a
    /// held one): it is not on the scale any more.
    pub fn see(&mut self, devices: &Devices, event: &DeviceEvent) -> Seen {
        let gone = matches!(
            event,
            DeviceEvent::Weight { stable: false, .. }
                | DeviceEvent::ScaleOutOfRange { .. }
                | DeviceEvent::Connected {
                    device: DeviceKind::Scale,
                    connected: false,
                }
        );
        if gone {
            self.settled = None;
            self.held = None;
        }
        let reads = Reads::of(devices);
        let alarm = reads.alarm().then_some(reads);
        let started = alarm.is_some() && alarm != self.alarm;
        self.alarm = alarm;
        if started {
            let said = match reads {
                Reads::OutOfRange { over: true } => Text::Overload,
                Reads::OutOfRange { over: false } => Text::Underload,
                _ => Text::Unplugged,
            };
            return Seen::Alarm(Text::NothingRecorded(Box::new(said)));
        }
        match event {
            DeviceEvent::Floor(input) if matches!(input.event, DriverEvent::Weight(_)) => {
                self.settled = Some(Box::new(input.clone()));
                Seen::Settled(input.clone())
            }
            _ => Seen::Nothing,
        }
    }

    /// The settled load now, if it may be recorded, with its weight.
    pub fn now(&self) -> Option<(DeviceInput, i64)> {
        let input = self.settled.as_deref()?.clone();
        let mg = recordable(&input)?;
        Some((input, mg))
    }
}

/// What the weighing screens say about the scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// A stable weight.
    Stable(i64),
    /// A weight in motion.
    Moving(i64),
    /// Over capacity.
    Overload,
    /// Under the lower limit.
    Underload,
    /// Not connected.
    Unplugged,
    /// Connected, no reading yet.
    NoReading,
    /// A weight came with nothing waiting for it.
    ScanFirst(i64),
    /// Nothing stable on the scale to take.
    NothingStable,
    /// What the scale reads, and that nothing was recorded (the signal when it starts).
    NothingRecorded(Box<Text>),
}

impl Words for Text {
    fn text(&self, l: Language) -> String {
        match self {
            Text::Stable(mg) => {
                let weight = grams(*mg);
                bilingual!(l, en: "Scale {weight} stable", es: "Báscula {weight} estable")
            }
            Text::Moving(mg) => {
                let weight = grams(*mg);
                bilingual!(l,
                    en: "Scale {weight} moving: hold still",
                    es: "Báscula {weight} en movimiento",
                )
            }
            // The screen's line: short enough for 40 columns.
            Text::Overload => bilingual!(l,
                en: "Scale OVERLOAD: take weight off",
                es: "Báscula SOBRECARGA: quite peso",
            ),
            Text::Underload => bilingual!(l,
                en: "Scale UNDERLOAD: check pan, zero",
                es: "Báscula BAJO CERO: revise plato",
            ),
            Text::Unplugged => bilingual!(l,
                en: "Scale NOT CONNECTED: check cable",
                es: "Báscula NO CONECTADA: revise cable",
            ),
            Text::NothingRecorded(said) => {
                let said = said.text(l);
                bilingual!(l, en: "{said}; nothing recorded", es: "{said}; nada registrado")
            }
            Text::NoReading => bilingual!(l,
                en: "Scale: no reading yet",
                es: "Báscula: aún sin lectura",
            ),
            Text::ScanFirst(mg) => {
                let weight = grams(*mg);
                bilingual!(l,
                    en: "{weight} on the scale: scan first, then weigh; nothing recorded",
                    es: "{weight} en la báscula: escanee primero, luego pese; nada registrado",
                )
            }
            Text::NothingStable => bilingual!(l,
                en: "Put it on the scale and wait for a stable weight",
                es: "Póngalo en la báscula y espere un peso estable",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_drivers::event::{WeightReading, WeightUnit};

    fn settled(value: &str) -> DeviceInput {
        DeviceInput {
            device: "/dev/scale".into(),
            event: DriverEvent::Weight(WeightReading::new(value, WeightUnit::Gram, true)),
        }
    }

    #[test]
    fn only_a_stable_weight_above_zero_may_be_recorded() {
        assert_eq!(recordable(&settled("412.37")), Some(412_370));
        assert_eq!(recordable(&settled("0.00")), None);
        assert_eq!(recordable(&settled("-3.10")), None);
        let mut moving = settled("412.37");
        if let DriverEvent::Weight(r) = &mut moving.event {
            r.stable = false;
        }
        assert_eq!(recordable(&moving), None);
    }

    #[test]
    fn motion_out_of_range_and_unplug_forget_the_settled_load_and_say_so_once() {
        let mut devices = Devices {
            scale: Some(true),
            weight: Some((412_370, true)),
            ..Devices::default()
        };
        let mut scale = Scale::default();
        let input = settled("412.37");
        assert_eq!(
            scale.see(&devices, &DeviceEvent::Floor(input.clone())),
            Seen::Settled(input.clone())
        );
        assert_eq!(scale.now(), Some((input, 412_370)));
        devices.weight = None;
        devices.out_of_range = Some(true);
        let over = DeviceEvent::ScaleOutOfRange { over: true };
        assert_eq!(
            scale.see(&devices, &over),
            Seen::Alarm(Text::NothingRecorded(Box::new(Text::Overload)))
        );
        assert_eq!(scale.see(&devices, &over), Seen::Nothing);
        assert_eq!(scale.now(), None);
        devices.out_of_range = None;
        devices.scale = Some(false);
        let unplugged = DeviceEvent::Connected {
            device: DeviceKind::Scale,
            connected: false,
        };
        assert_eq!(
            scale.see(&devices, &unplugged),
            Seen::Alarm(Text::NothingRecorded(Box::new(Text::Unplugged)))
        );
    }

    #[test]
    fn the_scale_s_line_fits_40_columns() {
        for t in [
            Text::Stable(-99_999_999),
            Text::Moving(-99_999_999),
            Text::Overload,
            Text::Underload,
            Text::Unplugged,
            Text::NoReading,
        ] {
            for l in [Language::English, Language::Spanish] {
                assert!(t.text(l).chars().count() <= 40, "{}", t.text(l));
            }
        }
    }

    #[test]
    fn every_word_reads_in_both_languages() {
        for t in [
            Text::Stable(1),
            Text::Moving(1),
            Text::Overload,
            Text::Underload,
            Text::Unplugged,
            Text::NoReading,
            Text::ScanFirst(1),
            Text::NothingStable,
            Text::NothingRecorded(Box::new(Text::Overload)),
        ] {
            assert_ne!(
                t.text(Language::English),
                t.text(Language::Spanish),
                "{t:?}"
            );
        }
    }
}
