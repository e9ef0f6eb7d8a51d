//! Prometheus metrics served at `/metrics` (text exposition format, `prometheus-client`):
//!
//! | metric | type | what |
//! |---|---|---|
//! | `tally_ledger_records_accepted_total` | counter | records appended to the log |
//! | `tally_ledger_records_duplicate_total` | counter | records received again (same receipt) |
//! | `tally_ledger_refusals_total{code}` | counter | refused requests and records, by the API error code |
//! | `tally_ledger_request_duration_seconds{method,route}` | histogram | time to answer, by route |
//! | `tally_ledger_tree_size` | gauge | entries in the latest signed checkpoint |
//!
//! Counters are per process (several `serve` processes on one database each count their own;
//! sum them); the tree size is the log's.

use std::sync::Mutex;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    method: String,
    route: String,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// The refusal code of a response, left in its extensions for the metrics layer.
#[derive(Debug, Clone)]
pub struct RefusalCode(pub String);

/// The ledger's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    accepted: Counter,
    duplicates: Counter,
    refusals: Family<CodeLabel, Counter>,
    latency: Family<RouteLabel, Histogram, fn() -> Histogram>,
    tree_size: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tally_ledger");
        let accepted = Counter::default();
        let duplicates = Counter::default();
        let refusals = Family::<CodeLabel, Counter>::default();
        let latency = Family::<RouteLabel, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let tree_size = Gauge::default();
        registry.register(
            "records_accepted",
            "Records appended to the log",
            accepted.clone(),
        );
        registry.register(
            "records_duplicate",
            "Records received again that the log already held",
            duplicates.clone(),
        );
        registry.register(
            "refusals",
            "Refused requests and records, by API error code",
            refusals.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        registry.register(
            "tree_size",
            "Entries in the latest signed checkpoint",
            tree_size.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            accepted,
            duplicates,
            refusals,
            latency,
            tree_size,
        }
    }

    /// Counts an ingest's receipts.
    pub fn ingested(&self, accepted: u64, duplicates: u64) {
        self.accepted.inc_by(accepted);
        self.duplicates.inc_by(duplicates);
    }

    /// Counts a refusal.
    pub fn refused(&self, code: &str) {
        self.refusals
            .get_or_create(&CodeLabel {
                code: code.to_owned(),
            })
            .inc();
    }

    /// Records how long a request took.
    pub fn observe(&self, method: &str, route: &str, seconds: f64) {
        self.latency
            .get_or_create(&RouteLabel {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// The text exposition with `tree_size` set.
    pub fn render(&self, tree_size: u64) -> String {
        self.tree_size
            .set(i64::try_from(tree_size).unwrap_or(i64::MAX));
        let mut out = String::new();
        let registry = self
            .registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_every_metric_with_its_values() {
        let metrics = Metrics::new();
        metrics.ingested(3, 1);
        metrics.refused("gap");
        metrics.refused("gap");
        metrics.observe("POST", "/v1/push", 0.002);
        let text = metrics.render(42);
        assert!(
            text.contains("tally_ledger_records_accepted_total 3"),
            "{text}"
        );
        assert!(
            text.contains("tally_ledger_records_duplicate_total 1"),
            "{text}"
        );
        assert!(
            text.contains("tally_ledger_refusals_total{code=\"gap\"} 2"),
            "{text}"
        );
        assert!(text.contains("tally_ledger_tree_size 42"), "{text}");
        assert!(
            text.contains(
                "tally_ledger_request_duration_seconds_count{method=\"POST\",route=\"/v1/push\"} 1"
            ),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"));
    }
}
