//! One tokio runtime on a background thread: probe requests go in over a channel,
//! reports come back over another and wake the UI. A batch can be cancelled.

use super::{ProbeOptions, ProbeReport, Prober, Target};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc;

pub enum Request {
    Probe {
        id: u64,
        targets: Vec<Target>,
        options: ProbeOptions,
    },
    Cancel {
        id: u64,
    },
}

#[derive(Debug, Clone)]
pub enum Event {
    Report {
        id: u64,
        index: usize,
        report: Box<ProbeReport>,
    },
    Finished {
        id: u64,
        cancelled: bool,
    },
    Failed {
        id: u64,
        message: String,
    },
    /// Something to tell the user that is not a result (e.g. concurrency lowered
    /// to fit the open-files limit).
    Note {
        id: u64,
        message: String,
    },
}

pub struct Runner {
    tx: tokio::sync::mpsc::UnboundedSender<Request>,
    pub events: mpsc::Receiver<Event>,
}

impl Runner {
    /// Starts the background thread; `wake` is called after each event (e.g. to
    /// repaint the window).
    pub fn start(wake: impl Fn() + Send + Sync + 'static) -> Result<Runner, String> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Request>();
        let (etx, erx) = mpsc::channel();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("probe")
            .build()
            .map_err(|e| format!("cannot start the probe runtime: {e}"))?;
        let wake = Arc::new(wake);
        std::thread::Builder::new()
            .name("probe-runner".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let mut running: HashMap<u64, tokio::task::AbortHandle> = HashMap::new();
                    while let Some(req) = rx.recv().await {
                        match req {
                            Request::Probe {
                                id,
                                targets,
                                options,
                            } => {
                                let etx = etx.clone();
                                let wake = wake.clone();
                                let handle = tokio::spawn(async move {
                                    let prober = Arc::new(Prober::new(options));
                                    if let Some(message) = super::limits::take_clamp_note() {
                                        let _ = etx.send(Event::Note { id, message });
                                    }
                                    let mut set = tokio::task::JoinSet::new();
                                    for (index, t) in targets.into_iter().enumerate() {
                                        let p = prober.clone();
                                        set.spawn(async move { (index, p.probe(&t).await) });
                                    }
                                    while let Some(r) = set.join_next().await {
                                        if let Ok((index, report)) = r {
                                            let _ = etx.send(Event::Report {
                                                id,
                                                index,
                                                report: Box::new(report),
                                            });
                                            wake();
                                        }
                                    }
                                    let _ = etx.send(Event::Finished {
                                        id,
                                        cancelled: false,
                                    });
                                    wake();
                                });
                                running.retain(|_, h| !h.is_finished());
                                running.insert(id, handle.abort_handle());
                            }
                            Request::Cancel { id } => {
                                if let Some(h) = running.remove(&id) {
                                    h.abort();
                                    let _ = etx.send(Event::Finished {
                                        id,
                                        cancelled: true,
                                    });
                                    wake();
                                }
                            }
                        }
                    }
                });
            })
            .map_err(|e| format!("cannot start the probe thread: {e}"))?;
        Ok(Runner { tx, events: erx })
    }

    pub fn send(&self, req: Request) -> Result<(), String> {
        self.tx
            .send(req)
            .map_err(|_| "the probe runner has stopped".to_string())
    }
}
