//! The deterministic chunk loop every runner shares: chunks of a range run in
//! waves on a rayon pool, and each wave's results come back in chunk order.

use std::sync::Mutex;

use rayon::prelude::*;

use super::WAVE_CHUNKS;
use crate::chunk::chunk_len;
use crate::error::Result;

/// Run chunks `first..end` of a run of `iterations` in waves on `pool`.
///
/// Each worker thread owns one `S` (made by `make_state`) for the whole
/// range; `work(state, chunk, len)` returns a per-chunk result. `on_wave`
/// receives each wave's results **in chunk order**, the number of chunks
/// done so far (counted from chunk 0 of the run, not from `first`), and the
/// worker states (unlocked between waves), and returns `true` to stop early.
/// Waves end at every power of two of chunks (1, 2, 4, … counted from chunk
/// 0: the log-spaced checkpoints of convergence.csv) and then every
/// [`WAVE_CHUNKS`]. Returns the worker states, whose contents must merge
/// order-free (integer counts), and the chunk at which the loop stopped.
pub(crate) fn run_chunks<S: Send, C: Send>(
    iterations: u64,
    (first, end): (u64, u64),
    pool: &rayon::ThreadPool,
    make_state: impl Fn() -> S,
    work: impl Fn(&mut S, u64, usize) -> C + Sync,
    mut on_wave: impl FnMut(Vec<C>, u64, &[Mutex<S>]) -> Result<bool>,
) -> Result<(Vec<S>, u64)> {
    let states: Vec<Mutex<S>> = (0..pool.current_num_threads())
        .map(|_| Mutex::new(make_state()))
        .collect();
    let mut wave_start = first;
    while wave_start < end {
        let next_power = (wave_start + 1).next_power_of_two();
        let wave_end = (wave_start + WAVE_CHUNKS).min(next_power).min(end);
        // `collect` on an indexed parallel iterator keeps chunk order.
        let results: Vec<C> = pool.install(|| {
            (wave_start as usize..wave_end as usize)
                .into_par_iter()
                .map(|index| {
                    let thread = rayon::current_thread_index().unwrap_or(0);
                    let mut state = states[thread].lock().expect("a worker panicked");
                    work(&mut state, index as u64, chunk_len(iterations, index as u64))
                })
                .collect()
        });
        wave_start = wave_end;
        if on_wave(results, wave_end, &states)? {
            break;
        }
    }
    let states = states
        .into_iter()
        .map(|s| s.into_inner().expect("a worker panicked"))
        .collect();
    Ok((states, wave_start))
}
