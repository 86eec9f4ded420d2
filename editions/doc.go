// Package editions plans WeChat mass sends (群发): the quota of each
// mass-mode account, known before anything is signed.
package editions
