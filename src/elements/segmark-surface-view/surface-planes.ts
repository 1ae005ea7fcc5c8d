/**
 * The CT inside the 3D view: the axial slice shown and the sagittal and
 * coronal planes through the crosshair, each a quad textured with the
 * volume's voxels in grey through the window, placed at the corners of its
 * voxels in patient space (a parallelogram on a gantry-tilted stack). A
 * plane's texture is made again only when what it shows changes.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkPlaneSource from '@kitware/vtk.js/Filters/Sources/PlaneSource';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import type vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkTexture from '@kitware/vtk.js/Rendering/Core/Texture';
import type { Volume } from '../../core/dicom/volume.js';
import type { WindowLevel } from '../../core/display/window.js';
import { voxelToPatient, type VoxelSpace } from '../../core/surface/voxel-space.js';

type PlaneKind = 'axial' | 'sagittal' | 'coronal';

interface Plane {
  kind: PlaneKind;
  source: vtkPlaneSource;
  image: vtkImageData;
  texture: vtkTexture;
  actor: vtkActor;
  /** What the texture shows now (volume, index, window), to skip redoing it. */
  key: string;
}

/** vtk.js's typings leave the object methods off vtkTexture; it has them like every vtk.js object. */
function asObject(texture: vtkTexture): { modified(): void; delete(): void } {
  return texture as unknown as { modified(): void; delete(): void };
}

/** Grey level 0..255 for every Int16 value through the window, indexed by value + 32768. */
function windowTable(window: WindowLevel): Uint8Array {
  const table = new Uint8Array(65536);
  const low = window.center - window.width / 2;
  const scale = 255 / Math.max(1, window.width);
  for (let i = 0; i < 65536; i++) table[i] = Math.max(0, Math.min(255, Math.round((i - 32768 - low) * scale)));
  return table;
}

export class SurfacePlanes {
  private readonly planes: Plane[];
  private table: { window: WindowLevel; grey: Uint8Array } | undefined;
  private volumeId = 0;
  private volume: Volume | undefined;

  constructor(private readonly renderer: vtkRenderer) {
    this.planes = (['axial', 'sagittal', 'coronal'] as const).map((kind) => {
      const source = vtkPlaneSource.newInstance();
      const image = vtkImageData.newInstance();
      const texture = vtkTexture.newInstance();
      texture.setInterpolate(true);
      texture.setInputData(image);
      const mapper = vtkMapper.newInstance();
      mapper.setInputConnection(source.getOutputPort());
      const actor = vtkActor.newInstance();
      actor.setMapper(mapper);
      actor.addTexture(texture);
      actor.getProperty().setLighting(false);
      actor.setVisibility(false);
      renderer.addActor(actor);
      return { kind, source, image, texture, actor, key: '' };
    });
  }

  /** Shows (or hides) the three planes of `volume` through `slice` and the crosshair. */
  update(volume: Volume | undefined, space: VoxelSpace | undefined, show: boolean, slice: number, column: number, row: number, window: WindowLevel): void {
    if (!volume || !space || !show) {
      for (const plane of this.planes) plane.actor.setVisibility(false);
      return;
    }
    if (volume !== this.volume) {
      this.volume = volume;
      this.volumeId++;
    }
    const clamp = (i: number, n: number): number => Math.min(n - 1, Math.max(0, Math.round(i)));
    const at = { axial: clamp(slice, volume.slices), sagittal: clamp(column, volume.columns), coronal: clamp(row, volume.rows) };
    for (const plane of this.planes) {
      const index = at[plane.kind];
      const key = `${this.volumeId}:${index}:${window.center}:${window.width}`;
      if (key !== plane.key) {
        plane.key = key;
        this.place(plane, space, index);
        this.paint(plane, volume, index, this.grey(window));
      }
      plane.actor.setVisibility(true);
    }
  }

  /** Forgets the textures' contents (e.g. more slices were decoded), so the next update paints them again. */
  invalidate(): void {
    for (const plane of this.planes) plane.key = '';
  }

  dispose(): void {
    for (const plane of this.planes) {
      this.renderer.removeActor(plane.actor);
      plane.actor.getMapper()?.delete();
      plane.actor.delete();
      asObject(plane.texture).delete();
      plane.image.delete();
      plane.source.delete();
    }
  }

  private grey(window: WindowLevel): Uint8Array {
    if (!this.table || this.table.window.center !== window.center || this.table.window.width !== window.width) {
      this.table = { window: { ...window }, grey: windowTable(window) };
    }
    return this.table.grey;
  }

  /** The quad over the plane's voxels: texture s along the first image axis, t along the second. */
  private place(plane: Plane, space: VoxelSpace, index: number): void {
    const { columns, rows, slices } = space;
    const corner = (c: number, r: number, k: number): [number, number, number] => {
      const [x, y, z] = voxelToPatient(space, c, r, k);
      return [x, y, z];
    };
    if (plane.kind === 'axial') {
      plane.source.setOrigin(corner(-0.5, -0.5, index));
      plane.source.setPoint1(corner(columns - 0.5, -0.5, index));
      plane.source.setPoint2(corner(-0.5, rows - 0.5, index));
    } else if (plane.kind === 'sagittal') {
      plane.source.setOrigin(corner(index, -0.5, -0.5));
      plane.source.setPoint1(corner(index, rows - 0.5, -0.5));
      plane.source.setPoint2(corner(index, -0.5, slices - 0.5));
    } else {
      plane.source.setOrigin(corner(-0.5, index, -0.5));
      plane.source.setPoint1(corner(columns - 0.5, index, -0.5));
      plane.source.setPoint2(corner(-0.5, index, slices - 0.5));
    }
  }

  private paint(plane: Plane, volume: Volume, index: number, grey: Uint8Array): void {
    const { columns, rows, slices, sliceData } = volume;
    const [width, height] = plane.kind === 'axial' ? [columns, rows] : plane.kind === 'sagittal' ? [rows, slices] : [columns, slices];
    const rgba = new Uint8Array(width * height * 4);
    const put = (o: number, value: number): void => {
      const g = grey[value + 32768]!;
      rgba[o] = g;
      rgba[o + 1] = g;
      rgba[o + 2] = g;
      rgba[o + 3] = 255;
    };
    if (plane.kind === 'axial') {
      const data = sliceData[index]!;
      for (let i = 0; i < width * height; i++) put(4 * i, data[i]!);
    } else {
      for (let k = 0; k < slices; k++) {
        const data = sliceData[k]!;
        if (plane.kind === 'sagittal') for (let r = 0; r < rows; r++) put(4 * (k * rows + r), data[r * columns + index]!);
        else for (let c = 0; c < columns; c++) put(4 * (k * columns + c), data[index * columns + c]!);
      }
    }
    plane.image.setDimensions(width, height, 1);
    plane.image.getPointData().setScalars(vtkDataArray.newInstance({ name: 'Grey', values: rgba, numberOfComponents: 4 }));
    plane.image.modified();
    asObject(plane.texture).modified();
  }
}
