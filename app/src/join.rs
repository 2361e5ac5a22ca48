//! Running futures together on the page's one thread, without an executor of their own.

use std::future::Future;
use std::task::Poll;

/// Runs two futures together on this one thread; answers both outputs once both are done.
pub async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut from_a, mut from_b) = (None, None);
    std::future::poll_fn(move |cx| {
        if from_a.is_none() {
            if let Poll::Ready(output) = a.as_mut().poll(cx) {
                from_a = Some(output);
            }
        }
        if from_b.is_none() {
            if let Poll::Ready(output) = b.as_mut().poll(cx) {
                from_b = Some(output);
            }
        }
        match (from_a.take(), from_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (from_a, from_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// Runs any number of futures together on this one thread; answers their outputs, in the
/// order given, once every one is done.
pub async fn all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                if let Poll::Ready(done) = future.as_mut().poll(cx) {
                    *output = Some(done);
                }
            }
        }
        match outputs.iter().all(Option::is_some) {
            true => Poll::Ready(outputs.iter_mut().filter_map(Option::take).collect()),
            false => Poll::Pending,
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Done after being polled `turns` more times, waking itself each time.
    fn after(turns: u32, value: u32) -> impl Future<Output = u32> {
        let mut left = turns;
        std::future::poll_fn(move |cx| match left {
            0 => Poll::Ready(value),
            _ => {
                left -= 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
    }

    #[test]
    async fn all_answers_every_output_in_the_order_given() {
        let outputs = all(vec![after(3, 1), after(0, 2), after(1, 3)]).await;
        assert_eq!(outputs, [1, 2, 3]);
        assert!(all(Vec::<std::future::Ready<u32>>::new()).await.is_empty());
        assert_eq!(both(after(2, 4), after(0, 5)).await, (4, 5));
    }
}
