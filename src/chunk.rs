//! Chunks: the unit of work, of randomness and of reduction.
//!
//! A run of n iterations is cut into chunks of [`CHUNK_SIZE`] iterations
//! (the last may be short). Chunk k always holds iterations
//! k·CHUNK_SIZE .. min((k+1)·CHUNK_SIZE, n) and draws from streams keyed by
//! k, so what a chunk computes never depends on which thread ran it. This is
//! the lowest layer that knows about chunks; sampling, the engine,
//! sensitivity and the output all read the size from here.
//!
//! Per-chunk results that are merged with floating-point arithmetic (means,
//! sums of squares) are combined by a [`Reduction`]: a fixed binary tree over
//! the chunk indices, so that the result depends only on which chunks were
//! reduced, never on how the work was split between threads, waves or
//! machines (shards).

use serde::{Deserialize, Serialize};

/// Iterations per chunk. Part of the definition of a run's random numbers:
/// changing it changes every result for a given seed (value-breaking).
pub const CHUNK_SIZE: usize = 1024;

/// Number of chunks in a run of `iterations`.
pub fn chunk_count(iterations: u64) -> u64 {
    iterations.div_ceil(CHUNK_SIZE as u64)
}

/// Index of the first iteration of chunk `index`.
pub fn first_iteration(index: u64) -> u64 {
    index * CHUNK_SIZE as u64
}

/// Number of iterations in chunk `index` of a run of `iterations`.
pub fn chunk_len(iterations: u64, index: u64) -> usize {
    (iterations - first_iteration(index)).min(CHUNK_SIZE as u64) as usize
}

/// A value that two adjacent ranges of chunks combine into one: `self`
/// covers the range just before `right`'s.
pub trait Merge {
    /// Combine `right` into `self`.
    fn merge(&mut self, right: &Self);
}

/// One node of the tree: the merged value of chunks
/// `first .. first + 2^level`, where `first` is a multiple of `2^level`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Node<T> {
    first: u64,
    level: u32,
    value: T,
}

impl<T> Node<T> {
    fn end(&self) -> u64 {
        self.first + (1u64 << self.level)
    }
}

/// Per-chunk values merged along a fixed binary tree over chunk indices
/// (pairwise, like pairwise summation).
///
/// Every internal node covers an aligned block of 2^l chunks and is
/// `merge(left half, right half)`. Chunks are pushed in index order; two
/// adjacent nodes that are the halves of one aligned block are merged at
/// once, so at any time the reduction holds the maximal aligned blocks of
/// its range, left to right (at most two per level). [`Reduction::total`]
/// folds them from the left.
///
/// Because each aligned block is always computed the same way, the total
/// over chunks a..b is the same bits whether the chunks were pushed one by
/// one on one machine or reduced in pieces (any contiguous split) and
/// joined with [`Reduction::append`]: this is what lets a run split into
/// shards merge into exactly the result of a single run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reduction<T> {
    nodes: Vec<Node<T>>,
}

impl<T> Default for Reduction<T> {
    fn default() -> Self {
        Reduction { nodes: Vec::new() }
    }
}

impl<T: Merge + Clone> Reduction<T> {
    /// The chunk range covered, `first..end` (`None` when empty).
    pub fn range(&self) -> Option<(u64, u64)> {
        Some((self.nodes.first()?.first, self.nodes.last()?.end()))
    }

    /// Add the value of chunk `index`, which must follow the range covered.
    pub fn push(&mut self, index: u64, value: T) {
        self.push_node(Node {
            first: index,
            level: 0,
            value,
        });
    }

    fn push_node(&mut self, mut node: Node<T>) {
        if let Some(last) = self.nodes.last() {
            assert_eq!(last.end(), node.first, "chunks are reduced in order, without gaps");
        }
        while let Some(last) = self.nodes.last() {
            let siblings = last.level == node.level && last.first % (2u64 << node.level) == 0;
            if !siblings {
                break;
            }
            let mut left = self.nodes.pop().expect("just seen");
            left.value.merge(&node.value);
            left.level += 1;
            node = left;
        }
        self.nodes.push(node);
    }

    /// Join the reduction of the chunks that follow this one's range.
    pub fn append(&mut self, other: Reduction<T>) {
        for node in other.nodes {
            self.push_node(node);
        }
    }

    /// The blocks of the tree, left to right: the chunk range `first..end`
    /// of each and its merged value.
    pub fn blocks(&self) -> impl Iterator<Item = ((u64, u64), &T)> + '_ {
        self.nodes.iter().map(|n| ((n.first, n.end()), &n.value))
    }

    /// Check the shape of a reduction that did not come from [`push`]
    /// (one read from a file): blocks aligned, adjacent, and exactly the
    /// blocks pushing the chunks of its range one by one would have left,
    /// which are the maximal aligned blocks inside the range. A reduction of
    /// any other shape would merge without error into different bits, so it
    /// is refused. Returns what is wrong.
    ///
    /// [`push`]: Reduction::push
    pub fn check_shape(&self) -> std::result::Result<(), String> {
        let Some((first, end)) = self.checked_range()? else {
            return Ok(());
        };
        for n in &self.nodes {
            // The block twice as large that holds this one: had all of it
            // been inside the range, the two halves would have been merged.
            let parent_first = n.first & !((2u64 << n.level) - 1);
            let parent_end = parent_first.checked_add(2u64 << n.level);
            if n.level < 62 && parent_first >= first && parent_end.is_some_and(|e| e <= end) {
                return Err(format!(
                    "block {}..{} of chunks {first}..{end} should have been merged into {parent_first}..{}",
                    n.first,
                    n.end(),
                    parent_first + (2u64 << n.level)
                ));
            }
        }
        Ok(())
    }

    /// The range after checking that every block is aligned and follows
    /// the one before it.
    fn checked_range(&self) -> std::result::Result<Option<(u64, u64)>, String> {
        let mut end: Option<u64> = None;
        for n in &self.nodes {
            if n.level >= 62 || n.first % (1u64 << n.level) != 0 || n.first.checked_add(1u64 << n.level).is_none() {
                return Err(format!(
                    "block at chunk {} of level {} is not aligned",
                    n.first, n.level
                ));
            }
            if end.is_some_and(|e| e != n.first) {
                return Err(format!(
                    "block {}..{} does not follow the block before it (which ends at {})",
                    n.first,
                    n.end(),
                    end.unwrap_or(0)
                ));
            }
            end = Some(n.end());
        }
        Ok(self.range())
    }

    /// The merged value of the whole range (`None` when empty): the maximal
    /// aligned blocks folded from the left.
    pub fn total(&self) -> Option<T> {
        let (first, rest) = self.nodes.split_first()?;
        let mut total = first.value.clone();
        for node in rest {
            total.merge(&node.value);
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A merge that records its own shape, so that equal values mean equal trees.
    #[derive(Debug, Clone, PartialEq)]
    struct Shape(String);
    impl Merge for Shape {
        fn merge(&mut self, right: &Self) {
            self.0 = format!("({}+{})", self.0, right.0);
        }
    }

    fn reduce(range: std::ops::Range<u64>) -> Reduction<Shape> {
        let mut r = Reduction::default();
        for k in range {
            r.push(k, Shape(k.to_string()));
        }
        r
    }

    #[test]
    fn the_tree_does_not_depend_on_how_the_range_is_split() {
        for n in [1u64, 2, 3, 7, 8, 13, 64, 100] {
            let whole = reduce(0..n).total();
            for cut in 0..=n {
                for cut2 in cut..=n {
                    let mut parts = reduce(0..cut);
                    parts.append(reduce(cut..cut2));
                    parts.append(reduce(cut2..n));
                    assert_eq!(parts.total(), whole, "n = {n}, cuts {cut}, {cut2}");
                }
            }
        }
        assert_eq!(reduce(0..4).total().unwrap().0, "((0+1)+(2+3))");
        assert_eq!(reduce(0..5).total().unwrap().0, "(((0+1)+(2+3))+4)");
        assert_eq!(reduce(3..5).range(), Some((3, 5)));
    }

    #[test]
    fn pushed_reductions_have_a_good_shape_and_others_do_not() {
        for (a, b) in [(0u64, 13u64), (3, 5), (5, 64), (7, 7), (1, 1000)] {
            assert_eq!(reduce(a..b).check_shape(), Ok(()), "{a}..{b}");
        }
        let node = |first, level| Node {
            first,
            level,
            value: Shape(String::new()),
        };
        let bad = |nodes| Reduction { nodes }.check_shape().unwrap_err();
        assert!(bad(vec![node(1, 1)]).contains("not aligned"));
        assert!(bad(vec![node(0, 0), node(2, 0)]).contains("does not follow"));
        assert!(bad(vec![node(0, 0), node(1, 0)]).contains("should have been merged"));
        assert!(bad(vec![node(0, 70)]).contains("not aligned"));
    }

    #[test]
    fn chunks_cover_the_run_once() {
        for n in [1u64, 1023, 1024, 1025, 5000] {
            let total: u64 = (0..chunk_count(n)).map(|k| chunk_len(n, k) as u64).sum();
            assert_eq!(total, n);
        }
        assert_eq!(chunk_len(1025, 1), 1);
    }
}
