// Package sensitive is the content gate every item and answer passes (R2,
// R3, R11): a dictionary matcher over normalized text that sees through
// common evasions, expression-error rules with their corrections, and
// personal-data detectors with masking. It is pure: no I/O beyond reading
// the dictionaries it is given.
package sensitive
