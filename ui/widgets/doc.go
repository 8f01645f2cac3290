// Package widgets holds the reusable Fyne pieces of the desk's screens: form fields and their
// problem labels, layouts (columns, panes, minimum widths), list rows, the type-ahead select,
// dialog buttons and fields that close on Escape, the theme, scrolling to the focus, and the
// guards that recover a panic in a callback. It knows nothing of the desk, its sessions or the
// office: it may import Fyne and bhxhdesk/app only.
package widgets
