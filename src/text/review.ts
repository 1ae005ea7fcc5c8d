/** Text of the review panel, the comments panel and the approved banner, per language. */
import type { AuditEntry } from '../core/review/record.js';
import type { ReviewStatus } from '../core/review/workflow.js';
import { formatText, textTables, toLocale, type TextShape } from '../core/text.js';

const en = {
  review: 'Review',
  status: 'Status',
  statuses: { draft: 'Draft', submitted: 'Submitted', approved: 'Approved', 'changes-requested': 'Changes requested' } as Record<ReviewStatus, string>,
  /** Button text of a step, by the status it leads to (from approved, changes-requested reads "Reopen"). */
  stepTo: { draft: 'Back to draft', submitted: 'Submit', approved: 'Approve', 'changes-requested': 'Request changes' } as Record<ReviewStatus, string>,
  reopen: 'Reopen',
  note: 'Note for this step (optional)',
  noSteps: 'No step is open to your role now.',
  audit: 'Audit trail',
  noAudit: 'Nothing recorded yet.',
  time: 'Active time',
  timeHint: 'Editing time without pauses longer than 60 s, over all sessions.',
  total: 'Total',
  byLabel: 'By label',
  slicesWorkedOne: '1 slice worked on',
  slicesWorked: '{count} slices worked on',
  approvedBanner: 'Approved: read only.',
  approvedBannerBy: 'Approved by {user}: read only.',
  approvedBannerOn: 'Approved on {when}: read only.',
  approvedBannerByOn: 'Approved by {user} on {when}: read only.',
  /** Audit trail lines, by action; `from` and `to` are status names. */
  auditLines: {
    status: '{from} → {to}',
    statusNote: '{from} → {to}: “{note}”',
    import: 'Imported {file}',
    export: 'Exported ({format})',
    restore: 'Restored version {revision}',
    verification: 'Verified {verified}, marked unverified {rejected}',
    comment: 'Added a comment',
    reply: 'Replied to a comment',
    resolve: 'Resolved a comment',
    'reopen-comment': 'Reopened a comment',
    missed: 'Flagged a missed structure: label #{label}, slice {slice}',
    'missed-cleared': 'Cleared a missed-structure flag: label #{label}, slice {slice}',
    approvedOpen: 'Approved with {rejected} rejected, {unverified} unverified, {missed} missed still open',
  },
  // The approval check: what is still open, with a way to each (review-controller.ts).
  approveOpenTitle: 'Approve with review items still open?',
  approveOpenRejected: 'Rejected, not corrected since',
  approveOpenUnverified: 'Not yet verified',
  approveOpenMissed: 'Flagged as missed structure',
  approveOpenCount: '{count}',
  approveOpenShow: 'Show first',
  approveOpenNote: 'Why approve anyway (recorded in the audit trail)',
  approveAnyway: 'Approve anyway',
  approveCancel: 'Back to review',
  missedList: 'Missed structures',
  missedItem: '{label}, slice {slice}',
  // The review bar's Next open item and setting (review-bar.ts).
  nextOpen: 'Next open item',
  nextOpenLabel: 'Next open item: not verified, rejected and not corrected since, or flagged as missed',
  nothingOpen: 'Nothing left open',
  reviewZoom: 'Zoom in on the outline',
  reviewZoomHint: 'Next unverified and Show first also zoom, so the outline fills half the view',
  comments: 'Comments',
  openCount: '{count} open',
  newComment: 'New comment on this slice',
  pin: 'Pin on image',
  pinHint: 'Click the image to place the pin (M; Esc stops)',
  pinnedAt: 'Pin at ({x}, {y})',
  pinnedAtCrosshair: 'Pin at the crosshair (Shift+click moves it), or press “Pin on image”',
  add: 'Add comment',
  noComments: 'No comments yet.',
  slice: 'Slice {slice}',
  show: 'Show',
  showHint: 'Go to the slice and centre the pin',
  reply: 'Reply',
  replyText: 'Reply text',
  send: 'Send',
  resolve: 'Resolve',
  reopenComment: 'Reopen',
  resolved: 'resolved',
};

type Strings = TextShape<typeof en>;

const zhCN: Strings = {
  review: '审核',
  status: '状态',
  statuses: { draft: '草稿', submitted: '已提交', approved: '已批准', 'changes-requested': '需要修改' },
  stepTo: { draft: '退回草稿', submitted: '提交', approved: '批准', 'changes-requested': '要求修改' },
  reopen: '重新打开',
  note: '此步骤的备注（可选）',
  noSteps: '您的角色目前没有可执行的步骤。',
  audit: '审计记录',
  noAudit: '尚无记录。',
  time: '有效时间',
  timeHint: '编辑时间，不含超过 60 秒的停顿，累计所有会话。',
  total: '总计',
  byLabel: '按标签',
  slicesWorkedOne: '处理过 1 层',
  slicesWorked: '处理过 {count} 层',
  approvedBanner: '批准：只读。',
  approvedBannerBy: '由 {user} 批准：只读。',
  approvedBannerOn: '{when} 批准：只读。',
  approvedBannerByOn: '{when} 由 {user} 批准：只读。',
  auditLines: {
    status: '{from} → {to}',
    statusNote: '{from} → {to}：“{note}”',
    import: '导入了 {file}',
    export: '导出（{format}）',
    restore: '恢复了版本 {revision}',
    verification: '核验 {verified} 个，标为未核验 {rejected} 个',
    comment: '添加了评论',
    reply: '回复了评论',
    resolve: '解决了评论',
    'reopen-comment': '重新打开了评论',
    missed: '标记了漏标结构：标签 #{label}，第 {slice} 层',
    'missed-cleared': '清除了漏标标记：标签 #{label}，第 {slice} 层',
    approvedOpen: '批准时仍有 {rejected} 个驳回、{unverified} 个未核验、{missed} 处漏标未处理',
  },
  approveOpenTitle: '仍有未处理的审核项，仍要批准吗？',
  approveOpenRejected: '已驳回且尚未修正',
  approveOpenUnverified: '尚未核验',
  approveOpenMissed: '标为漏标结构',
  approveOpenCount: '{count}',
  approveOpenShow: '显示第一个',
  approveOpenNote: '仍然批准的理由（记入审计记录）',
  approveAnyway: '仍然批准',
  approveCancel: '返回审核',
  missedList: '漏标结构',
  missedItem: '{label}，第 {slice} 层',
  nextOpen: '下一个未处理项',
  nextOpenLabel: '下一个未处理项：未核验、已驳回且尚未修正、或标为漏标',
  nothingOpen: '没有未处理的审核项',
  reviewZoom: '放大到轮廓',
  reviewZoomHint: '“下一个未核验”和“显示第一个”同时放大，使轮廓占视图的一半',
  comments: '评论',
  openCount: '{count} 条未解决',
  newComment: '在此层上新建评论',
  pin: '在图像上放置图钉',
  pinHint: '点击图像放置图钉（M；Esc 停止）',
  pinnedAt: '图钉位置 ({x}, {y})',
  pinnedAtCrosshair: '图钉位于十字线处（Shift+点击可移动），或按“在图像上放置图钉”',
  add: '添加评论',
  noComments: '尚无评论。',
  slice: '第 {slice} 层',
  show: '显示',
  showHint: '转到该层并将图钉居中',
  reply: '回复',
  replyText: '回复内容',
  send: '发送',
  resolve: '解决',
  reopenComment: '重新打开',
  resolved: '已解决',
};

/** The review text in the language of `lang`. */
export const reviewStrings = textTables<Strings>({ en, 'zh-CN': zhCN });

/** An audit trail entry as one line in the language of `lang`. */
export function auditText(lang: string, e: AuditEntry): string {
  const t = reviewStrings(lang);
  const status = (st: ReviewStatus | undefined) => (st ? t.statuses[st] : '—');
  switch (e.action) {
    case 'status': {
      const line = formatText(e.note ? t.auditLines.statusNote : t.auditLines.status, { from: status(e.from), to: status(e.to), note: e.note });
      if (!e.open) return line;
      const open = { rejected: String(e.open.rejected), unverified: String(e.open.unverified), missed: String(e.open.missed) };
      return `${line} — ${formatText(t.auditLines.approvedOpen, open)}`;
    }
    case 'missed':
    case 'missed-cleared':
      return formatText(t.auditLines[e.action], { label: String(e.labelId ?? ''), slice: String((e.slice ?? -1) + 1) });
    case 'import':
      return formatText(t.auditLines.import, { file: e.file ?? '' });
    case 'export':
      return formatText(t.auditLines.export, { format: e.format ?? '' });
    case 'restore':
      return formatText(t.auditLines.restore, { revision: String(e.revision ?? '') });
    case 'verification':
      return formatText(t.auditLines.verification, { verified: String(e.verified ?? 0), rejected: String(e.rejected ?? 0) });
    default:
      return t.auditLines[e.action];
  }
}

/** The approved banner: by whom and when, where known. */
export function approvedBannerText(lang: string, user: string, when: string): string {
  const t = reviewStrings(lang);
  const template = user ? (when ? t.approvedBannerByOn : t.approvedBannerBy) : when ? t.approvedBannerOn : t.approvedBanner;
  return formatText(template, { user, when });
}

/** "1:05:09" or "4:07" for a duration in ms. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** An ISO instant as a short local date and time. */
export function formatInstant(iso: string, lang: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Intl.DateTimeFormat(toLocale(lang), { dateStyle: 'short', timeStyle: 'short' }).format(t);
}
