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
