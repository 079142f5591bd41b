//! The check-in screen can read QR cards with a webcam. Windows (WebView2) and macOS (WKWebView,
//! with the camera usage text in Info.plist) ask the user themselves; WebKitGTK on Linux ships
//! with media capture off and refuses every request nobody answers. Here the main window turns
//! capture on and allows camera requests only: no microphone, no screen, nothing else.

#[cfg(target_os = "linux")]
pub fn allow_camera<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    let result = window.with_webview(|webview| {
        use webkit2gtk::glib::prelude::Cast;
        use webkit2gtk::{
            PermissionRequestExt, SettingsExt, UserMediaPermissionRequest,
            UserMediaPermissionRequestExt, WebViewExt,
        };
        let view = webview.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_media_stream(true);
        }
        view.connect_permission_request(|_, request| {
            match request.downcast_ref::<UserMediaPermissionRequest>() {
                Some(media) if media.is_for_video_device() && !media.is_for_audio_device() => {
                    media.allow();
                    true
                }
                _ => false,
            }
        });
    });
    if let Err(e) = result {
        tracing::warn!("camera capture could not be enabled: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn allow_camera<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>) {}
