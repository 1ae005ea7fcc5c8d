/** Text of the verification bar and the reject reason picker (`review-bar.ts`), per language. */
import type { RejectReason } from '../../core/annotation/document.js';
import { toLocale } from '../strings.js';

export interface VerifyStrings {
  region: string;
  accept: string;
  reject: string;
  next: string;
  nextLabel: string;
  noRegion: string;
  unverified: string;
  verified: string;
  rejected: string;
  by: (user: string) => string;
  progress: (verified: number, total: number, rejected: number) => string;
  pickerTitle: (label: string, slice: number) => string;
  reason: string;
  note: string;
  confirm: string;
  cancel: string;
  allVerified: string;
  reasons: Record<RejectReason, string>;
}

const en: VerifyStrings = {
  region: 'Verification',
  accept: 'Accept slice',
  reject: 'Reject…',
  next: 'Next unverified',
  nextLabel: 'Next label',
  noRegion: 'No outline of this label here',
  unverified: 'Not verified',
  verified: 'Verified',
  rejected: 'Rejected',
  by: (user) => ` by ${user}`,
  progress: (v, total, r) => `${v} of ${total} slices verified${r ? `, ${r} rejected` : ''}`,
  pickerTitle: (label, slice) => `Reject ${label} on slice ${slice}`,
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
  },
};

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
  by: (user) => `（${user}）`,
  progress: (v, total, r) => `已核验 ${v} / ${total} 层${r ? `，驳回 ${r} 层` : ''}`,
  pickerTitle: (label, slice) => `驳回第 ${slice} 层的 ${label}`,
  reason: '原因',
  note: '备注（可选）',
  confirm: '驳回',
  cancel: '取消',
  allVerified: '没有待核验的内容',
  reasons: {
    'boundary-wrong': '边界错误',
    'wrong-label': '标签错误',
    'missed-structure': '遗漏结构',
    'not-this-structure': '不是该结构',
    other: '其他',
  },
};

export function verifyStrings(lang: string): VerifyStrings {
  return toLocale(lang) === 'zh-CN' ? zh : en;
}
