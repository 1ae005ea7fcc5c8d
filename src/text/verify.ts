/** Text of the verification bar, the reject reason picker (`review-bar.ts`) and a label's verified-slices bar, per language. */
import type { RejectReason } from '../core/annotation/document.js';
import { textTables, type TextShape } from '../core/text.js';

const en = {
  region: 'Verification',
  accept: 'Accept slice',
  reject: 'Reject…',
  next: 'Next unverified',
  nextLabel: 'Next label',
  noRegion: 'No outline of this label here',
  unverified: 'Not verified',
  verified: 'Verified',
  rejected: 'Rejected',
  missed: 'Missed structure',
  missedHint: 'No outline here, flagged as a missed structure',
  flagMissed: 'Flag missed…',
  unflagMissed: 'Clear missed flag',
  missedPickerTitle: 'Flag {label} as missed on slice {slice}',
  confirmMissed: 'Flag missed',
  missedCount: '{count} slices flagged as missed',
  by: ' by {user}',
  progress: '{verified} of {total} slices verified',
  progressRejected: '{verified} of {total} slices verified, {rejected} rejected',
  pickerTitle: 'Reject {label} on slice {slice}',
  reason: 'Reason',
  note: 'Note (optional)',
  confirm: 'Reject',
  cancel: 'Cancel',
  allVerified: 'Nothing left to verify',
  reasons: {
    'boundary-wrong': 'Boundary wrong',
    'wrong-label': 'Wrong label',
    'missed-structure': 'Missed structure',
    'not-this-structure': 'Not this structure',
    other: 'Other',
  } satisfies Record<RejectReason, string>,
  // The verified-slices bar of a label row (label-progress.ts).
  labelProgress: 'Verified slices',
  labelProgressValue: '{verified} of {total} verified',
  labelProgressValueRejected: '{verified} of {total} verified, {rejected} rejected',
};

type VerifyStrings = TextShape<typeof en>;

const zh: VerifyStrings = {
  region: '核验',
  accept: '接受本层',
  reject: '驳回…',
  next: '下一个未核验',
  nextLabel: '下一个标签',
  noRegion: '此层没有该标签的轮廓',
  unverified: '未核验',
  verified: '已核验',
  rejected: '已驳回',
  missed: '漏标结构',
  missedHint: '此层没有轮廓，已标为漏标结构',
  flagMissed: '标为漏标…',
  unflagMissed: '清除漏标标记',
  missedPickerTitle: '将第 {slice} 层的 {label} 标为漏标',
  confirmMissed: '标为漏标',
  missedCount: '{count} 层标为漏标',
  by: '（{user}）',
  progress: '已核验 {verified} / {total} 层',
  progressRejected: '已核验 {verified} / {total} 层，驳回 {rejected} 层',
  pickerTitle: '驳回第 {slice} 层的 {label}',
  reason: '原因',
  note: '备注（可选）',
  confirm: '驳回',
  cancel: '取消',
  allVerified: '没有待核验的内容',
  reasons: {
    'boundary-wrong': '边界错误',
    'wrong-label': '标签错误',
    'missed-structure': '漏标结构',
    'not-this-structure': '不是该结构',
    other: '其他',
  },
  labelProgress: '已核验层数',
  labelProgressValue: '已核验 {verified} / {total}',
  labelProgressValueRejected: '已核验 {verified} / {total}，驳回 {rejected}',
};

/** The verification text in the language of `lang`. */
export const verifyStrings = textTables<VerifyStrings>({ en, 'zh-CN': zh });
