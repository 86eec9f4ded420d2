-- A user's WeChat ID (微信号, issue 17 point 7): where "发送预览到我的微信"
-- sends an edition or an article (message/mass/preview). Set by the user.
ALTER TABLE users ADD COLUMN wechat_id text NOT NULL DEFAULT '';
