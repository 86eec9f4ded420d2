// Package douyin publishes videos and image posts to Douyin (抖音) through
// its open platform, on behalf of an account whose owner authorised the
// app (video.create.bind), and polls and answers the comments on them. It
// is the model for further video platforms: one file per concern, the
// platform's error codes in one table, checkpoints named in douyin.go.
package douyin
