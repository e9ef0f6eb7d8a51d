//! The worker and the reader on their own threads, on a real replica: requests go in over
//! their channels and the answers come back as events on the app's one stream; the worker
//! finishes what it was asked before it ends; a replica that cannot be opened is an error
//! before any thread waits on it.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use tally_app::event::{Event, ReadReply, ReadRequest, WriteReply, WriteRequest};
use tally_app::{reader, worker};
use tally_replica::Replica;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn the_worker_commits_and_the_reader_sees_it_on_the_same_stream() {
    let app = common::App::demo(20);
    let db = app.db();
    let key = app.dir.path().join("keys/device.key");
    // The fixture's replica must be closed before the worker opens the files.
    let common::App {
        dir, replica, view, ..
    } = app;
    drop(replica);
    drop(view);
    let (events, inbox) = mpsc::channel();
    let open_db = db.clone();
    let (writes, worker_thread) = worker::spawn(
        move || Replica::open(&open_db, &key, common::clock()),
        events.clone(),
    )
    .unwrap();
    let (reads, reader_thread) =
        reader::spawn(tally_replica::db::open_read_only(&db).unwrap(), events).unwrap();

    writes
        .send((
            7,
            WriteRequest::SignIn {
                badge: "B1001".into(),
                pin: "1111".into(),
            },
        ))
        .unwrap();
    match inbox.recv_timeout(WAIT).unwrap() {
        Event::Written {
            id: 7,
            reply: WriteReply::SignedIn(Ok(session)),
        } => {
            assert_eq!(session.badge, "B1001")
        }
        other => panic!("{other:?}"),
    }
    reads
        .send((
            8,
            ReadRequest::Home {
                badge: "B1001".into(),
            },
        ))
        .unwrap();
    let before = match inbox.recv_timeout(WAIT).unwrap() {
        Event::Read {
            id: 8,
            reply: ReadReply::Home(Ok(summary)),
        } => summary,
        other => panic!("{other:?}"),
    };
    assert_eq!(before.ledger_cursor, 0);

    // Sign-outs sent just before the channel closes are all recorded.
    for id in 9..12 {
        writes
            .send((
                id,
                WriteRequest::SignOut {
                    badge: "B1001".into(),
                },
            ))
            .unwrap();
    }
    drop(writes);
    worker_thread.join().unwrap();
    reads
        .send((
            12,
            ReadRequest::Home {
                badge: "B1001".into(),
            },
        ))
        .unwrap();
    let mut after = None;
    while let Ok(event) = inbox.recv_timeout(WAIT) {
        match event {
            Event::Read {
                id: 12,
                reply: ReadReply::Home(Ok(summary)),
            } => {
                after = Some(summary);
                break;
            }
            Event::Written {
                reply: WriteReply::SignedOut(answer),
                ..
            } => answer.unwrap(),
            Event::WorkerGone => {}
            other => panic!("{other:?}"),
        }
    }
    // The three sign-outs wait for the ledger too.
    assert_eq!(after.unwrap().events_waiting, before.events_waiting + 3);
    drop(reads);
    reader_thread.join().unwrap();
    drop(dir);
}

#[test]
fn a_replica_that_cannot_be_opened_is_an_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let key = dir.path().join("none.key");
    let (events, _inbox) = mpsc::channel();
    let error = worker::spawn(move || Replica::open(&db, &key, common::clock()), events)
        .expect_err("no replica there");
    assert!(error.to_string().contains("no replica database"), "{error}");
}
