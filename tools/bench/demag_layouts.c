/* The prototype behind Demag.defaultLayout and ColumnMajorFFT2D.leading
 * (Documentation/Performance.md, "Demag: the FFT floor"): one demag
 * convolution of an nx x ny film (three components, the zero padding
 * skipped, made-up kernels of the stored sizes) with row-major spectra, as
 * the `rows` layout does it, and with column-major spectra read out of place
 * from a staging spectrum whose padding rows stay zero, as the `columns`
 * layout does it, the columns `extra` complex numbers further apart than the
 * padded rows. The two are checked to agree on one value, then timed
 * alternately (fastest of 300 each, three rounds).
 *
 *   gcc -O3 -march=haswell tools/bench/demag_layouts.c -o /tmp/demag_layouts -lfftw3 -lm
 *   /tmp/demag_layouts 200 50 0      # SP4's grid, no extra
 *   /tmp/demag_layouts 128 128 2     # a power of two: 2 extra
 *
 * Not built by the package or CI; FFTW_MEASURE plans, one thread. */
#include <fftw3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
int nx,ny,px,py,half,kr,ld;
double *m[3],*b[3],*kern[4];
/* ---- current layout ---- */
double *pad; fftw_complex *S[3]; fftw_plan rf,rb,cf,cb;
void cur_transform(double*pl, fftw_complex*s){
  for(int y=0;y<ny;y++){ double*row=pad+y*px; for(int x=0;x<nx;x++) row[x]=8e5*pl[y*nx+x]; memset(row+nx,0,8*(px-nx)); }
  fftw_execute_dft_r2c(rf,pad,s); memset(s+ny*half,0,16*(py-ny)*half); fftw_execute_dft(cf,s,s);
}
void cur_inverse(fftw_complex*s,double*pl){ fftw_execute_dft(cb,s,s); fftw_execute_dft_c2r(rb,s,pad);
  for(int y=0;y<ny;y++) for(int x=0;x<nx;x++) pl[y*nx+x]+=pad[y*px+x]; }
void cur(){
  cur_transform(m[2],S[0]);
  for(int j=0;j<py;j++){int r=j<kr?j:py-j; double*s=(double*)(S[0]+j*half); double*k=kern[2]+r*half; for(int p=0;p<half;p++){s[2*p]*=k[p];s[2*p+1]*=k[p];}}
  cur_inverse(S[0],b[2]);
  cur_transform(m[0],S[0]); cur_transform(m[1],S[1]);
  for(int j=0;j<py;j++){int r=j<kr?j:py-j; double sg=j<kr?1:-1; double*x=(double*)(S[0]+j*half),*yy=(double*)(S[1]+j*half);
    double*a=kern[0]+r*half,*d=kern[1]+r*half,*e=kern[3]+r*half;
    for(int q=0;q<2*half;q++){int p=q>>1; double u=x[q],v=yy[q],ep=sg*e[p]; x[q]=a[p]*u+ep*v; yy[q]=ep*u+d[p]*v;}}
  cur_inverse(S[0],b[0]); cur_inverse(S[1],b[1]);
}
/* ---- transposed layout ---- */
double *rin,*rout; fftw_complex *A,*T[3]; fftw_plan trf,trb,tcf,tcb;
double *tk[4]; /* kernel transposed: [k*kr + r] */
void t_transform(double*pl, fftw_complex*dst){
  for(int y=0;y<ny;y++){ double*row=rin+y*px; for(int x=0;x<nx;x++) row[x]=8e5*pl[y*nx+x]; }
  fftw_execute_dft_r2c(trf,rin,A); fftw_execute_dft(tcf,A,dst);
}
void t_inverse(fftw_complex*s,double*pl){ fftw_execute_dft(tcb,s,s); fftw_execute_dft_c2r(trb,s,rout);
  for(int y=0;y<ny;y++) for(int x=0;x<nx;x++) pl[y*nx+x]+=rout[y*px+x]; }
void tr(){
  t_transform(m[2],T[0]);
  for(int k=0;k<half;k++){ double*s=(double*)(T[0]+k*ld); double*kk=tk[2]+k*kr;
    for(int j=0;j<kr;j++){s[2*j]*=kk[j];s[2*j+1]*=kk[j];}
    for(int j=kr;j<py;j++){double v=kk[py-j]; s[2*j]*=v;s[2*j+1]*=v;} }
  t_inverse(T[0],b[2]);
  t_transform(m[0],T[0]); t_transform(m[1],T[1]);
  for(int k=0;k<half;k++){ double*x=(double*)(T[0]+k*ld),*yy=(double*)(T[1]+k*ld); double*a=tk[0]+k*kr,*d=tk[1]+k*kr,*e=tk[3]+k*kr;
    for(int q=0;q<2*kr;q++){int p=q>>1; double u=x[q],v=yy[q],ep=e[p]; x[q]=a[p]*u+ep*v; yy[q]=ep*u+d[p]*v;}
    for(int q=2*kr;q<2*py;q++){int p=py-(q>>1); double u=x[q],v=yy[q],ep=-e[p]; x[q]=a[p]*u+ep*v; yy[q]=ep*u+d[p]*v;} }
  t_inverse(T[0],b[0]); t_inverse(T[1],b[1]);
}
int main(int argc,char**argv){
  nx=atoi(argv[1]); ny=atoi(argv[2]); px=2*nx; py=2*ny; ld=py+atoi(argv[3]); half=px/2+1; kr=py/2+1;
  int flags=FFTW_MEASURE; int n[1]={px}, mm[1]={py};
  for(int c=0;c<3;c++){ m[c]=fftw_alloc_real(nx*ny); b[c]=fftw_alloc_real(nx*ny); for(int i=0;i<nx*ny;i++){m[c][i]=((i*(c+3))%11)/11.0; b[c][i]=0;} }
  for(int c=0;c<4;c++){ kern[c]=fftw_alloc_real(kr*half); tk[c]=fftw_alloc_real(kr*half); for(int i=0;i<kr*half;i++) kern[c][i]=1e-7*((i*(c+1))%13); 
     for(int r=0;r<kr;r++) for(int k=0;k<half;k++) tk[c][k*kr+r]=kern[c][r*half+k]; }
  pad=fftw_alloc_real(py*px); for(int c=0;c<2;c++) S[c]=fftw_alloc_complex(py*half);
  rf=fftw_plan_many_dft_r2c(1,n,ny,pad,NULL,1,px,S[0],NULL,1,half,flags);
  rb=fftw_plan_many_dft_c2r(1,n,ny,S[0],NULL,1,half,pad,NULL,1,px,flags);
  cf=fftw_plan_many_dft(1,mm,half,S[0],NULL,half,1,S[0],NULL,half,1,FFTW_FORWARD,flags);
  cb=fftw_plan_many_dft(1,mm,half,S[0],NULL,half,1,S[0],NULL,half,1,FFTW_BACKWARD,flags);
  rin=fftw_alloc_real(ny*px); rout=fftw_alloc_real(ny*px); A=fftw_alloc_complex(ld*half); for(int c=0;c<2;c++) T[c]=fftw_alloc_complex(ld*half);
  trf=fftw_plan_many_dft_r2c(1,n,ny,rin,NULL,1,px,A,NULL,ld,1,flags);
  trb=fftw_plan_many_dft_c2r(1,n,ny,T[0],NULL,ld,1,rout,NULL,1,px,flags);
  tcf=fftw_plan_many_dft(1,mm,half,A,NULL,1,ld,T[0],NULL,1,ld,FFTW_FORWARD,flags);
  tcb=fftw_plan_many_dft(1,mm,half,T[0],NULL,1,ld,T[0],NULL,1,ld,FFTW_BACKWARD,flags);
  memset(rin,0,8*ny*px); memset(A,0,16*ld*half);
  /* check equality */
  cur(); double c0[3]; for(int c=0;c<3;c++){c0[c]=b[c][123]; b[c][123]=0; memset(b[c],0,8*nx*ny);}
  tr(); printf("check %g %g / %g %g\n",c0[0],b[0][123],c0[2],b[2][123]);
  for(int round=0;round<3;round++){
    double bc=1e9,bt=1e9;
    for(int rep=0;rep<300;rep++){ double a=now(); cur(); double t=now()-a; if(t<bc)bc=t; a=now(); tr(); t=now()-a; if(t<bt)bt=t; }
    printf("current %.1f us   transposed %.1f us\n",bc*1e6,bt*1e6);
  }
}
