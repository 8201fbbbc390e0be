//! Phone validation for the page, answered by the validator worker (`src/bin/validator.rs`)
//! so the page never loads or runs `phonenumber` itself.

use leptos::prelude::*;
use phone_mfa_contract::phone::{CheckedPhone, PhoneProblem, ValidationReply, ValidationRequest};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A verdict on a number: the same rules the server applies.
pub type Verdict = Result<CheckedPhone, PhoneProblem>;

/// Something that answers [`ValidationRequest`]s, sooner or later, through `reply`.
type Backend = Rc<dyn Fn(ValidationRequest)>;

/// Shared through context. Requests carry an increasing id; only the answer to the
/// latest one is kept, so a slow answer for "201-55" never overwrites "201-555-0123".
#[derive(Clone, Copy)]
pub struct Validator {
    backend: StoredValue<Option<Backend>, LocalStorage>,
    /// Gets the backend ready without asking anything (starts the worker).
    warm_up: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>,
    /// Where answers land; the phone field reads it.
    pub verdict: RwSignal<Option<(u32, Verdict)>>,
    next_id: StoredValue<u32>,
}

impl Validator {
    /// A validator answered by `answer` right away (tests: they may link `phonenumber`).
    pub fn inline(answer: impl Fn(&str, &str) -> Verdict + 'static) -> Validator {
        let v = Validator::empty();
        let verdict = v.verdict;
        v.backend.set_value(Some(Rc::new(move |req: ValidationRequest| {
            verdict.set(Some((req.id, answer(&req.number, &req.region))));
        })));
        v
    }

    /// The app's validator: the worker at `script`, started by [`Validator::warm_up`] or
    /// on first use, whichever comes first.
    pub fn web_worker(script: &'static str) -> Validator {
        let v = Validator::empty();
        let verdict = v.verdict;
        let worker: Rc<RefCell<Option<WorkerState>>> = Rc::default();
        let start = Rc::new({
            let worker = worker.clone();
            move || {
                if worker.borrow().is_none() {
                    let started = start_worker(script, verdict, worker.clone());
                    *worker.borrow_mut() = started;
                }
            }
        });
        v.warm_up.set_value(Some(start.clone()));
        v.backend.set_value(Some(Rc::new(move |req: ValidationRequest| {
            let Ok(json) = serde_json::to_string(&req) else {
                return;
            };
            start();
            if let Some(state) = worker.borrow_mut().as_mut() {
                state.send(json);
            }
        })));
        v
    }

    /// Starts the worker now, so it is ready by the time a number needs it. The phone
    /// field calls it once it is on screen: its screen's code has arrived by then, so
    /// the worker's download competes with nothing the screen needs to show or be used,
    /// and the first number typed does not wait for the download (issue 21, item 5).
    pub fn warm_up(&self) {
        if let Some(start) = self.warm_up.get_value() {
            start();
        }
    }

    fn empty() -> Validator {
        Validator {
            backend: StoredValue::new_local(None),
            warm_up: StoredValue::new_local(None),
            verdict: RwSignal::new(None),
            next_id: StoredValue::new(0),
        }
    }

    /// Asks about a number; returns the request id its answer will carry.
    pub fn check(&self, number: &str, region: &str) -> u32 {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        if let Some(backend) = self.backend.get_value() {
            backend(ValidationRequest {
                id,
                number: number.to_owned(),
                region: region.to_owned(),
            });
        }
        id
    }

    /// Makes every answer still on its way stale, without asking anything (the page
    /// already knows the verdict, e.g. nothing typed or an extension).
    pub fn supersede(&self) {
        self.next_id.update_value(|id| *id += 1);
    }

    /// The id of the latest request.
    pub fn latest(&self) -> u32 {
        self.next_id.get_value()
    }

    pub fn provide(self) {
        provide_context(self);
    }

    pub fn get() -> Validator {
        expect_context::<Validator>()
    }
}

/// The worker and what it has not been sent yet: it drops messages that arrive before
/// its wasm is running, so only the latest request is held until it says "ready".
struct WorkerState {
    worker: web_sys::Worker,
    ready: bool,
    queued: Option<String>,
}

impl WorkerState {
    fn send(&mut self, json: String) {
        if self.ready {
            let _ = self.worker.post_message(&JsValue::from_str(&json));
        } else {
            self.queued = Some(json);
        }
    }
}

fn start_worker(
    script: &str,
    verdict: RwSignal<Option<(u32, Verdict)>>,
    state: Rc<RefCell<Option<WorkerState>>>,
) -> Option<WorkerState> {
    let worker = web_sys::Worker::new(script).ok()?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if text == "ready" {
            if let Some(s) = state.borrow_mut().as_mut() {
                s.ready = true;
                if let Some(json) = s.queued.take() {
                    s.send(json);
                }
            }
        } else if let Ok(reply) = serde_json::from_str::<ValidationReply>(&text) {
            verdict.set(Some((reply.id, reply.result)));
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its handler.
    on_message.forget();
    Some(WorkerState {
        worker,
        ready: false,
        queued: None,
    })
}
