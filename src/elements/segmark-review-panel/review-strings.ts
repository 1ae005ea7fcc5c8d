/** Text of the review panel, the comments panel and the approved banner, per language. */
import type { AuditEntry } from '../../core/review/record.js';
import type { ReviewStatus } from '../../core/review/workflow.js';
import { toLocale } from '../strings.js';

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
  slicesWorked: (n: number) => `${n} slice${n === 1 ? '' : 's'} worked on`,
  approvedBanner: (user: string, when: string) => `Approved${user ? ` by ${user}` : ''}${when ? ` on ${when}` : ''}: read only.`,
  action: (e: AuditEntry, s: (st: ReviewStatus) => string): string => {
    switch (e.action) {
      case 'status':
        return `${e.from ? s(e.from) : '—'} → ${e.to ? s(e.to) : '—'}${e.note ? `: “${e.note}”` : ''}`;
      case 'import':
        return `Imported ${e.file ?? ''}`;
      case 'export':
        return `Exported (${e.format ?? ''})`;
      case 'restore':
        return `Restored version ${e.revision ?? ''}`;
      case 'verification':
        return `Verified ${e.verified ?? 0}, marked unverified ${e.rejected ?? 0}`;
      case 'comment':
        return 'Added a comment';
      case 'reply':
        return 'Replied to a comment';
      case 'resolve':
        return 'Resolved a comment';
      case 'reopen-comment':
        return 'Reopened a comment';
    }
  },
  comments: 'Comments',
  openCount: (n: number) => `${n} open`,
  newComment: 'New comment on this slice',
  pin: 'Pin on image',
  pinHint: 'Click the image to place the pin (M; Esc stops)',
  pinnedAt: (x: number, y: number) => `Pin at (${x}, ${y})`,
  pinnedAtCrosshair: 'Pin at the crosshair (Shift+click moves it), or press “Pin on image”',
  add: 'Add comment',
  noComments: 'No comments yet.',
  slice: (k: number) => `Slice ${k}`,
  show: 'Show',
  showHint: 'Go to the slice and centre the pin',
  reply: 'Reply',
  replyText: 'Reply text',
  send: 'Send',
  resolve: 'Resolve',
  reopenComment: 'Reopen',
  resolved: 'resolved',
};

type Strings = typeof en;

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
  slicesWorked: (n: number) => `处理过 ${n} 个切片`,
  approvedBanner: (user: string, when: string) => `${when ? `${when} ` : ''}${user ? `由 ${user} ` : ''}批准：只读。`,
  action: (e: AuditEntry, s: (st: ReviewStatus) => string): string => {
    switch (e.action) {
      case 'status':
        return `${e.from ? s(e.from) : '—'} → ${e.to ? s(e.to) : '—'}${e.note ? `：“${e.note}”` : ''}`;
      case 'import':
        return `导入了 ${e.file ?? ''}`;
      case 'export':
        return `导出（${e.format ?? ''}）`;
      case 'restore':
        return `恢复了版本 ${e.revision ?? ''}`;
      case 'verification':
        return `核对 ${e.verified ?? 0} 个，标为未核对 ${e.rejected ?? 0} 个`;
      case 'comment':
        return '添加了评论';
      case 'reply':
        return '回复了评论';
      case 'resolve':
        return '解决了评论';
      case 'reopen-comment':
        return '重新打开了评论';
    }
  },
  comments: '评论',
  openCount: (n: number) => `${n} 条未解决`,
  newComment: '在此切片上新建评论',
  pin: '在图像上放置图钉',
  pinHint: '点击图像放置图钉（M；Esc 停止）',
  pinnedAt: (x: number, y: number) => `图钉位置 (${x}, ${y})`,
  pinnedAtCrosshair: '图钉位于十字线处（Shift+点击可移动），或按“在图像上放置图钉”',
  add: '添加评论',
  noComments: '尚无评论。',
  slice: (k: number) => `切片 ${k}`,
  show: '显示',
  showHint: '转到该切片并将图钉居中',
  reply: '回复',
  replyText: '回复内容',
  send: '发送',
  resolve: '解决',
  reopenComment: '重新打开',
  resolved: '已解决',
};

export function reviewStrings(lang: string): Strings {
  return toLocale(lang) === 'zh-CN' ? zhCN : en;
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
