//! The status line says a refusal whole: every refusal of the core's catalogue
//! (`tally_replica::Refusal`, each variant with values of realistic length, from
//! `tally_testkit::catalogue`) and every notice of the floor layer (`tally_floor::Ignored`),
//! and every problem a label check names (`tally_testkit::catalogue::every_label_problem`, in 1
//! Receive's "label check failed" line), in English and Spanish, rendered at 40×20 and 80×24 as
//! the error the app shows, appears on the screen with nothing cut off; the screen's field stays
//! on screen above it.

mod common;

use common::draw;
use tally_app::event::Tone;
use tally_app::screens::receive::text::Text as ReceiveText;
use tally_app::state::{Settings, State, StatusLine};
use tally_app::text::{Language, Words};
use tally_floor::Ignored;
use tally_replica::refusal::Message;
use tally_testkit::catalogue::{every_label_problem, every_refusal, SCAN};

const SIZES: [(u16, u16); 2] = [(40, 20), (80, 24)];
const LANGUAGES: [Language; 2] = [Language::English, Language::Spanish];

/// Every notice of the floor layer (the texts of a driver or a scale, passed through as they
/// come, are given long ones); the match stops compiling when a notice is added unlisted.
fn every_notice() -> Vec<Ignored> {
    let all = vec![
        Ignored::NotAStableWeight(
            "the scale reads in motion; wait for the stable sign before weighing again".into(),
        ),
        Ignored::UnitNotRecorded { unit: "dwt".into() },
        Ignored::UnknownScale {
            device: "/dev/serial/by-id/usb-Mettler_Toledo_ICS425-if00".into(),
        },
        Ignored::ScanThePackageFirst,
        Ignored::NotForThisScreen {
            scanned: SCAN.into(),
        },
        Ignored::NoWeighingHere,
        Ignored::DeviceMessage(
            "scanner /dev/ttyACM0 reported: decode error on symbology 0x1d, rescan".into(),
        ),
        Ignored::NotCounting,
        Ignored::NotDestroying,
        Ignored::WeighThePackageFirst,
    ];
    for notice in &all {
        match notice {
            Ignored::NotAStableWeight(_)
            | Ignored::UnitNotRecorded { .. }
            | Ignored::UnknownScale { .. }
            | Ignored::ScanThePackageFirst
            | Ignored::NotForThisScreen { .. }
            | Ignored::NoWeighingHere
            | Ignored::DeviceMessage(_)
            | Ignored::NotCounting
            | Ignored::NotDestroying
            | Ignored::WeighThePackageFirst => {}
        }
    }
    all
}

/// The sign-in screen with `text` as the error on its status line.
fn refused(text: &str, language: Language) -> State {
    let mut state = State::new(
        Settings {
            language,
            ..Settings::default()
        },
        0,
    );
    state.input = "B1000042".into();
    state.status = StatusLine {
        text: text.to_owned(),
        tone: Some(Tone::Error),
        flash_until_ms: 0,
    };
    state
}

#[test]
fn every_refusal_and_notice_is_on_screen_whole_in_both_languages() {
    let mut texts: Vec<(String, Language)> = Vec::new();
    for language in LANGUAGES {
        texts.extend(
            every_refusal()
                .iter()
                .map(|r| (r.message(language), language)),
        );
        texts.extend(
            every_notice()
                .iter()
                .map(|n| (n.message(language), language)),
        );
        texts.extend(every_label_problem().iter().map(|p| {
            let failed = ReceiveText::LabelFailed(p.message(language));
            (failed.text(language), language)
        }));
    }
    assert!(
        texts.len() > 200,
        "the catalogue is listed: {}",
        texts.len()
    );
    for (text, language) in &texts {
        for (width, height) in SIZES {
            let shown = draw(&refused(text, *language), width, height);
            assert!(
                common::shows_whole(&shown, text),
                "cut at {width}x{height}: {text}\n{shown}"
            );
            assert!(
                shown.contains("> B1000042_"),
                "the field is hidden:\n{shown}"
            );
        }
    }
}

#[test]
fn a_short_status_keeps_its_usual_rows_and_the_body_keeps_the_rest() {
    // The status line grows only for a text that needs it: a short one leaves the body as it
    // was (the 40×20 snapshots of every screen hold it too).
    let short = draw(
        &refused("scan the package's tag first", Language::English),
        40,
        20,
    );
    let long_text = every_refusal()
        .iter()
        .map(|r| r.message(Language::Spanish))
        .max_by_key(|t| t.len())
        .unwrap();
    let long = draw(&refused(&long_text, Language::Spanish), 40, 20);
    let first_status_row = |screen: &str| {
        screen
            .lines()
            .position(|line| line.starts_with('✖'))
            .unwrap()
    };
    assert_eq!(first_status_row(&short), 20 - 1 - 4, "{short}");
    assert!(first_status_row(&long) < 20 - 1 - 4, "{long}");
    assert!(common::shows_whole(&long, &long_text), "{long}");
}
