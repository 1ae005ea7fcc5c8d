/**
 * The catalogue of user-facing messages, in every language we ship (STYLE 10).
 * Errors and warnings are looked up by their stable code; `{name}` placeholders
 * are filled from the error's params and file.
 */
import type { ErrorCode } from './errors.js';
import type { WarningCode } from './dicom/warnings.js';
import type { ImportWarningCode } from './formats/import-common.js';

export type Locale = 'en' | 'zh-CN';

type Catalogue = Record<ErrorCode | WarningCode | ImportWarningCode, string>;

const en: Catalogue = {
  'empty-file': '{file} is empty (0 bytes).',
  'not-dicom': '{file} is not a DICOM file.',
  'not-an-image': '{file} is a DICOM file without an image.',
  truncated: '{file} is cut short: the file ends before its data does.',
  'unsupported-transfer-syntax': '{file} uses an encoding this viewer cannot decode ({transferSyntax}).',
  'unsupported-pixel-format': '{file} stores pixels in a form this viewer cannot show.',
  'bad-dimensions': '{file} claims impossible image dimensions.',
  'pixel-data-short': '{file} holds less pixel data than its header promises.',
  'no-pixel-data': '{file} has no pixel data.',
  'decode-failed': 'The image in {file} could not be decoded.',
  'read-failed': '{file} could not be read.',
  'fetch-failed': '{file} could not be downloaded.',
  'no-images': 'None of the files holds an image this viewer can show.',
  aborted: 'Loading was cancelled.',
  internal: 'Something went wrong inside the viewer.',
  'storage-quota': 'The browser has no room left to save your work. It is still open here; export it, or free up space.',
  'storage-unavailable': 'Your work cannot be saved in this browser (storage is unavailable or blocked). It is still open here; export it to keep it.',
  'storage-corrupt': 'A saved record is damaged and could not be read.',
  'not-a-seg': '{file} is not a DICOM segmentation (SEG).',
  'seg-invalid': '{file} is an incomplete or inconsistent DICOM segmentation ({attribute}).',
  'seg-unsupported': '{file} is a kind of DICOM segmentation this version cannot read ({attribute}).',
  'seg-export-invalid': 'The segmentation cannot be exported: its input is inconsistent ({field}).',
  'deidentify-invalid': 'The export cannot be de-identified with these settings ({field}).',
  'dataset-export-invalid': 'The dataset cannot be exported: its input is inconsistent ({field}).',
  'png-invalid': '{file} is not a PNG image or PNG mask archive that Segmark can read (the problem is in {part}).',
  'coco-invalid': '{file} is not a COCO annotation file that Segmark can read (the problem is in {part}).',
  'nifti-invalid': '{file} is not a NIfTI-1 image this viewer can read.',
  'image-cache-cap': 'This series ({size} MB) is larger than the image cache may hold ({cap} MB), so its images were not kept: after a reload, open its files again.',
  'storage-other-tab': 'Another tab is editing this document now, so changes made here are not saved. They are kept as a version you can restore.',
  'storage-upgraded': 'A newer version of Segmark in another tab has updated the browser storage. Your work is still open here but is no longer saved: export what you need, then reload this page.',
  'storage-blocked': 'Another tab with an older version of Segmark keeps the browser storage open. Close or reload it so this tab can save; until then your work stays here.',
  'pacs-unauthorized': 'The PACS refused access ({reason}): sign in again or ask for access to these images.',
  'pacs-unreachable': 'The PACS cannot be reached or is not working ({reason}). Check the connection and try again.',
  'pacs-not-found': 'The PACS does not have what was asked for (HTTP 404): {file}',
  'pacs-timeout': 'The PACS did not answer within {seconds} s: {file}',
  'pacs-bad-response': 'The PACS sent an answer Segmark cannot use ({reason}): {file}',
  'pacs-store-failed': 'The segmentation could not be stored in the PACS ({reason}). Your work is kept here: try again, or export it.',
  'review-step-refused': 'The status cannot go from {from} to {to} for the role {role}.',
  'agreement-other-series': '{file} annotates another series or image grid ({theirs}), so it cannot be compared with the open one ({ours}).',
  'worker-failed': 'A background task stopped unexpectedly (the browser may be short of memory). Please try again.',
  'gantry-tilt': 'Gantry tilt of {degrees}°: slices are shown unsheared.',
  'uneven-spacing': 'Slice spacing is uneven ({min}–{max} mm).',
  gap: '{count} gap(s) between slices; the largest is {largest} mm.',
  'duplicate-position': '{count} image(s) at a position already taken were left out.',
  'localizer-excluded': '{count} localizer image(s) kept out of the volume.',
  'mixed-geometry': 'The series holds stacks of different size or orientation; they are listed separately.',
  'no-geometry': 'The images carry no position; they are ordered by instance number.',
  'value-clamped': '{count} values were outside the storable range and were clamped.',
  'lossy-compression': 'Lossy compressed images: values may differ slightly from the original.',
  'import-geometry': '{file} does not lie on the open series: its {aspect} differs (file: {theirs}; series: {ours}). Masks are never resampled on import.',
  'import-mismatch': '{file} belongs to another series ({series}): none of its frames matches a slice of the open series ({expected}).',
  'import-not-labelmap': '{file} is not a label map: it holds the value {value}, but labels must be whole numbers of 0 or more.',
  'import-sidecar-invalid': 'The label description for {file} is not one Segmark can read (the problem is in {field}).',
  'import-empty': 'The imported file labels no pixel: nothing was imported.',
  'import-label-undescribed': 'The label description does not name value(s) {values}; they were imported without a name.',
  'import-frames-unplaced': '{count} of {total} segmentation frames match no slice of the open series and were left out.',
  'import-placed-by-position': '{count} segmentation frame(s) reference no image of the open series and were placed by their position.',
  'import-frame-of-reference': 'Frames were placed by position although the segmentation\'s frame of reference ({theirs}) is not the series\' ({ours}): check that they line up.',
  'import-overlap': '{pixels} pixel(s) on {slices} slice(s) belong to more than one segment. Labels cannot overlap here, so each such pixel goes to the later segment.',
  'import-fractional': 'A fractional (probability) segmentation: pixels at or above half the maximum value were taken as inside.',
};

const zhCN: Catalogue = {
  'empty-file': '{file} 是空文件（0 字节）。',
  'not-dicom': '{file} 不是 DICOM 文件。',
  'not-an-image': '{file} 是不含图像的 DICOM 文件。',
  truncated: '{file} 不完整：文件在数据结束之前就结束了。',
  'unsupported-transfer-syntax': '{file} 使用了本查看器无法解码的编码（{transferSyntax}）。',
  'unsupported-pixel-format': '{file} 的像素格式无法显示。',
  'bad-dimensions': '{file} 声明的图像尺寸不可能成立。',
  'pixel-data-short': '{file} 的像素数据少于文件头声明的大小。',
  'no-pixel-data': '{file} 没有像素数据。',
  'decode-failed': '{file} 中的图像无法解码。',
  'read-failed': '无法读取 {file}。',
  'fetch-failed': '无法下载 {file}。',
  'no-images': '这些文件中没有可显示的图像。',
  aborted: '加载已取消。',
  internal: '查看器内部出错。',
  'storage-quota': '浏览器已没有空间保存您的工作。工作仍在此处打开；请导出，或释放空间。',
  'storage-unavailable': '无法在此浏览器中保存您的工作（存储不可用或被禁用）。工作仍在此处打开；请导出以保留。',
  'storage-corrupt': '一条已保存的记录已损坏，无法读取。',
  'not-a-seg': '{file} 不是 DICOM 分割（SEG）文件。',
  'seg-invalid': '{file} 是不完整或不一致的 DICOM 分割（{attribute}）。',
  'seg-unsupported': '{file} 是本版本无法读取的 DICOM 分割类型（{attribute}）。',
  'seg-export-invalid': '无法导出分割：输入数据不一致（{field}）。',
  'deidentify-invalid': '无法按这些设置对导出进行去标识化（{field}）。',
  'dataset-export-invalid': '无法导出数据集：输入数据不一致（{field}）。',
  'png-invalid': '{file} 不是 Segmark 可读取的 PNG 图像或 PNG 掩膜压缩包（问题出在 {part}）。',
  'coco-invalid': '{file} 不是 Segmark 可读取的 COCO 标注文件（问题出在 {part}）。',
  'nifti-invalid': '{file} 不是本查看器可读取的 NIfTI-1 图像。',
  'image-cache-cap': '该序列（{size} MB）超过图像缓存的上限（{cap} MB），其图像未被保存：重新加载页面后，请再次打开这些文件。',
  'storage-other-tab': '另一个标签页正在编辑此文档，因此此处的更改不会被保存。这些更改已保留为可恢复的版本。',
  'storage-upgraded': '另一个标签页中较新版本的 Segmark 已更新浏览器存储。您的工作仍在此处打开，但不再保存：请先导出所需内容，然后重新加载此页面。',
  'storage-blocked': '另一个使用旧版 Segmark 的标签页占用着浏览器存储。请关闭或重新加载该标签页，以便此处可以保存；在此之前您的工作保留在此处。',
  'pacs-unauthorized': 'PACS 拒绝访问（{reason}）：请重新登录，或申请访问这些图像的权限。',
  'pacs-unreachable': '无法连接 PACS，或 PACS 工作异常（{reason}）。请检查网络连接后重试。',
  'pacs-not-found': 'PACS 中没有所请求的内容（HTTP 404）：{file}',
  'pacs-timeout': 'PACS 在 {seconds} 秒内未响应：{file}',
  'pacs-bad-response': 'PACS 返回了 Segmark 无法使用的应答（{reason}）：{file}',
  'pacs-store-failed': '无法将分割存入 PACS（{reason}）。您的工作仍保留在此处：请重试，或将其导出。',
  'review-step-refused': '角色 {role} 不能将状态从 {from} 改为 {to}。',
  'agreement-other-series': '{file} 标注的是另一个序列或图像网格（{theirs}），无法与当前打开的序列（{ours}）比较。',
  'worker-failed': '后台任务意外停止（浏览器可能内存不足）。请重试。',
  'gantry-tilt': '机架倾斜 {degrees}°：切片按未校正的方式显示。',
  'uneven-spacing': '层间距不均匀（{min}–{max} 毫米）。',
  gap: '切片之间有 {count} 处缺口，最大 {largest} 毫米。',
  'duplicate-position': '{count} 幅图像与已有位置重复，已略去。',
  'localizer-excluded': '{count} 幅定位像未纳入容积。',
  'mixed-geometry': '该序列包含尺寸或方向不同的多组图像，已分别列出。',
  'no-geometry': '图像没有位置信息，已按实例编号排序。',
  'value-clamped': '{count} 个数值超出可存储范围，已被截断。',
  'lossy-compression': '有损压缩图像：数值可能与原始值略有差异。',
  'import-geometry': '{file} 与当前序列的几何不一致：{aspect} 不同（文件：{theirs}；序列：{ours}）。导入时不会对掩膜重新采样。',
  'import-mismatch': '{file} 属于另一个序列（{series}）：其中没有任何帧与当前序列（{expected}）的切片对应。',
  'import-not-labelmap': '{file} 不是标签图：其中含有数值 {value}，而标签必须是大于或等于 0 的整数。',
  'import-sidecar-invalid': 'Segmark 无法读取 {file} 的标签说明（问题出在 {field}）。',
  'import-empty': '导入的文件中没有任何已标注的像素：未导入任何内容。',
  'import-label-undescribed': '标签说明未包含数值 {values}；这些标签已在无名称的情况下导入。',
  'import-frames-unplaced': '{total} 个分割帧中有 {count} 个与当前序列的任何切片都不对应，已略去。',
  'import-placed-by-position': '{count} 个分割帧未引用当前序列的图像，已按其空间位置放置。',
  'import-frame-of-reference': '分割的参考坐标系（{theirs}）与序列的（{ours}）不同，但各帧仍按空间位置放置：请核对是否对齐。',
  'import-overlap': '{slices} 个切片上有 {pixels} 个像素同时属于多个分割段。此处标签不能重叠，这些像素归属于排在后面的分割段。',
  'import-fractional': '这是分数（概率）分割：数值达到最大值一半及以上的像素被视为在分割内。',
};

const catalogues: Record<Locale, Catalogue> = { en, 'zh-CN': zhCN };

export function formatMessage(
  code: ErrorCode | WarningCode | ImportWarningCode,
  params: Record<string, string | number> = {},
  locale: Locale = 'en',
): string {
  const template = catalogues[locale][code] ?? catalogues.en[code] ?? code;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) return key === 'file' ? '' : `{${key}}`;
    return typeof value === 'number' ? formatNumber(value, locale) : value;
  });
}

function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}
