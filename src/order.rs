//! Stable sorts through one instance of the standard library's sort. Its
//! sorts are instantiated for each element type and comparison, and in the
//! wasm build a stable one costs several kilobytes per call site: here
//! every call site sorts positions with one merge sort, comparing through
//! `dyn`, then moves its elements into place.

use std::cmp::Ordering;

/// `list.sort_by_key(key)`: the same order, equal keys kept as they were.
pub fn sort_by_key<T, K: Ord>(list: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(list, |a, b| key(a).cmp(&key(b)));
}

/// `list.sort_by(cmp)`: the same order, equal elements kept as they were.
pub fn sort_by<T>(list: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    // Most lists (a row's findings in the order the checks made them) are
    // in order already: no positions to allocate.
    if list.windows(2).all(|w| cmp(&w[0], &w[1]) != Ordering::Greater) {
        return;
    }
    let mut order = positions(list.len(), &|a, b| cmp(&list[a], &list[b]));
    // Element `order[i]` goes to `i`, one cycle of the permutation at a time;
    // a placed position is marked by pointing to itself.
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            list.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// The positions of a list of `n` in sorted order: a bottom-up merge sort,
/// stable as it takes the left run's element on a tie, O(n log n), and a
/// few hundred bytes of code where the standard library's sorts are kilobytes.
fn positions(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = vec![0; n];
    let mut width = 1;
    while width < n {
        for lo in (0..n).step_by(2 * width) {
            let (mid, hi) = ((lo + width).min(n), (lo + 2 * width).min(n));
            let (mut i, mut j) = (lo, mid);
            for slot in &mut merged[lo..hi] {
                if j == hi || (i < mid && cmp(order[i], order[j]) != Ordering::Greater) {
                    *slot = order[i];
                    i += 1;
                } else {
                    *slot = order[j];
                    j += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_of_the_standard_stable_sort() {
        // Every list of up to 7 keys from 0..3, with positions to tell equal keys apart.
        for n in 0..=7u32 {
            for code in 0..3u32.pow(n) {
                let keys: Vec<(u32, u32)> = (0..n).map(|i| (code / 3u32.pow(i) % 3, i)).collect();
                let mut expected = keys.clone();
                expected.sort_by_key(|k| k.0);
                let mut got = keys.clone();
                sort_by_key(&mut got, |k| k.0);
                assert_eq!(got, expected, "{keys:?}");
                let mut got = keys.clone();
                sort_by(&mut got, |a, b| b.0.cmp(&a.0));
                let mut expected = keys.clone();
                expected.sort_by_key(|k| std::cmp::Reverse(k.0));
                assert_eq!(got, expected, "{keys:?}");
            }
        }
    }
}
