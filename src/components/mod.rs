//! Building blocks shared by the screens.

pub mod code_input;
pub mod error_summary;
pub mod page;
pub mod phone_input;
pub mod remember_browser;
pub mod text_field;
pub mod ticker;

pub use code_input::CodeInput;
pub use error_summary::{ErrorSummary, FieldError, SummaryFocus};
pub use page::{Page, SignOut, StepBack};
pub use phone_input::PhoneInput;
pub use remember_browser::RememberBrowser;
pub use text_field::TextField;
pub use ticker::{use_now_ms, ManualNow};
