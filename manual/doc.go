// Package manual runs the channels without a publishing API (视频号, 今日头条,
// 小红书, 快手, 人民号, 学习强国, other): an approved item becomes a publishing
// task for the account's operators, who post it by hand and report the
// published URL; the hub checks that page once and records the delivery.
package manual
