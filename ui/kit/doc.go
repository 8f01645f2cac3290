// Package kit holds what every feature screen needs of the desk's shell: the screens' settings
// (Settings), the host (translations, dialogs, work off the UI thread, file choosers), the
// signed-in session and its records and sync services (Session, RecSession), the sync
// engine's status as the screens show it, the progress dialog, the PDF preview, the place
// picker and the registration draft keeper. It may import bhxhdesk/ui/widgets, Fyne and the
// domain packages (app, intake, records, officesync), never bhxhdesk/ui or a feature package.
package kit
