//! Mounts the Gugus app on the page's body; everything else lives in the library.
#![forbid(unsafe_code)]

fn main() {
    gugus_app::clock::pin_from_storage();
    leptos::mount::mount_to_body(gugus_app::App);
}
